// Id flags with settings: `--init uniform:minval=0,maxval=1` is the 'uniform' initializer with
// { minval: 0, maxval: 1 }. Numbers and true/false are parsed; anything else stays a string.
import { usageError } from './errors.js';

export interface IdSpec {
  readonly id: string;
  readonly config: Readonly<Record<string, number | boolean | string>>;
}

function parseValue(text: string): number | boolean | string {
  if (text === 'true' || text === 'false') return text === 'true';
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}

export function parseIdSpec(text: string, flag: string): IdSpec {
  const colon = text.indexOf(':');
  if (colon < 0) return { id: text, config: {} };
  const id = text.slice(0, colon);
  const config: Record<string, number | boolean | string> = {};
  for (const pair of text.slice(colon + 1).split(',')) {
    const eq = pair.indexOf('=');
    if (id === '' || eq <= 0) throw usageError(`--${flag} '${text}': expected id or id:key=value,key=value (e.g. uniform:minval=0,maxval=1)`);
    config[pair.slice(0, eq).trim()] = parseValue(pair.slice(eq + 1).trim());
  }
  return { id, config };
}

/** The spec as a layer option: the bare id, or `{ id, ...config }`. */
export function specValue(spec: IdSpec): string | Record<string, unknown> {
  return Object.keys(spec.config).length === 0 ? spec.id : { id: spec.id, ...spec.config };
}
