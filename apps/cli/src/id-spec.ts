// Id flags with settings: `--init uniform:minval=0,maxval=1` is the 'uniform' initializer with
// { minval: 0, maxval: 1 }. Numbers (plain decimal, as number flags take them) and true/false are
// parsed; anything else stays a string. A setting given twice is an error, as a flag given twice is.
import { isPlainDecimal } from './args.js';
import { usageError } from './errors.js';

export interface IdSpec {
  readonly id: string;
  readonly config: Readonly<Record<string, number | boolean | string>>;
}

function parseValue(text: string, key: string, flag: string, spec: string): number | boolean | string {
  if (text === 'true' || text === 'false') return text === 'true';
  const n = Number(text);
  if (text === '' || !Number.isFinite(n)) return text;
  // Number() also reads '0x10', '0b1', '+3' and '03': '0x10' silently became 16.
  if (!isPlainDecimal(text)) throw usageError(`--${flag} '${spec}': ${key}=${text} is not a number in plain decimal notation (such as 0.05, -1 or 1e-3)`);
  return n;
}

export function parseIdSpec(text: string, flag: string): IdSpec {
  const colon = text.indexOf(':');
  if (colon < 0) return { id: text, config: {} };
  const id = text.slice(0, colon);
  const config: Record<string, number | boolean | string> = {};
  for (const pair of text.slice(colon + 1).split(',')) {
    const eq = pair.indexOf('=');
    if (id === '' || eq <= 0) throw usageError(`--${flag} '${text}': expected id or id:key=value,key=value (e.g. uniform:minval=0,maxval=1)`);
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (Object.hasOwn(config, key)) throw usageError(`--${flag} '${text}': ${key} is given twice (${String(config[key])}, then ${value}); give it once`);
    config[key] = parseValue(value, key, flag, text);
  }
  return { id, config };
}

/** `text` without its `key=` setting: `sgd:lr=0.1,momentum=0.8` without lr is `sgd:momentum=0.8`. */
export function withoutSetting(text: string, key: string): string {
  const colon = text.indexOf(':');
  if (colon < 0) return text;
  const kept = text.slice(colon + 1).split(',').filter((pair) => pair.slice(0, pair.indexOf('=')).trim() !== key);
  return kept.length === 0 ? text.slice(0, colon) : `${text.slice(0, colon)}:${kept.join(',')}`;
}
