// The flags a resumed model keeps (its architecture, initializer, loss and class count): given with
// the saved value they change nothing and are accepted (`--classes 10` for a 10-class model); only
// another value is refused, naming what the model has.
import type { Flags } from '../args.js';
import { parseIdSpec } from '../id-spec.js';

/** A saved setting as the flag would read: the flag's name and the saved value, as text for messages. */
interface Fixed {
  readonly flag: string;
  /** Whether the flag's value is the saved one. */
  readonly same: (flags: Flags) => boolean;
  /** The saved value, as people would pass it. */
  readonly saved: string;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** An id flag with settings against the saved id and settings (aliases expanded by `alias`). */
function sameId(text: string, flag: string, savedId: string | undefined, savedSettings: unknown, alias: (id: string) => string): boolean {
  if (savedId === undefined) return false;
  const given = parseIdSpec(text, flag);
  const saved = parseIdSpec(savedId, flag);
  const settings = { ...saved.config, ...(savedSettings as Record<string, unknown> | undefined) };
  const sorted = (o: Record<string, unknown>): [string, unknown][] => Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1));
  return alias(given.id) === saved.id && sameJson(sorted(given.config), sorted(settings));
}

/** The saved settings a resumed run keeps, as `RunSettings` records them (the id settings under `<kind>Options`, where saved). */
export interface KeptSettings {
  readonly architecture: string;
  readonly layers: readonly number[];
  readonly dense?: readonly number[];
  readonly activation: string;
  readonly init?: string;
  readonly loss: string;
}

/**
 * The fixed flags given with another value than the saved one, each with the saved value
 * ("--layers 32 (the model has 16)"). `alias` expands a loss alias ('mse').
 */
export function changedFixedFlags(flags: Flags, run: KeptSettings, classes: number | undefined, alias: (kind: string, id: string) => string): string[] {
  const options = (field: string): unknown => (run as unknown as Record<string, unknown>)[field];
  const list = (v: readonly number[] | undefined): string => (v === undefined ? 'none' : v.join(','));
  // An id with its saved settings, as the flag takes it: leakyRelu:alpha=0.2
  const withSettings = (id: string, field: string): string => {
    const settings = Object.entries((options(field) as Record<string, unknown> | undefined) ?? {});
    return settings.length === 0 ? id : `${id}:${settings.map(([key, value]) => `${key}=${String(value)}`).join(',')}`;
  };
  const fixed: Fixed[] = [
    { flag: 'model', same: (f) => f.string('model') === run.architecture, saved: run.architecture },
    { flag: 'layers', same: (f) => sameJson(f.integers('layers'), run.layers), saved: list(run.layers) },
    { flag: 'dense', same: (f) => sameJson(f.integers('dense'), run.dense), saved: list(run.dense) },
    { flag: 'activation', same: (f) => sameId(f.string('activation')!, 'activation', run.activation, options('activationOptions'), (id) => alias('activation', id)), saved: withSettings(run.activation, 'activationOptions') },
    { flag: 'init', same: (f) => sameId(f.string('init')!, 'init', run.init, undefined, (id) => alias('initializer', id)), saved: run.init ?? "the activation's recommended initializer (no --init)" },
    { flag: 'loss', same: (f) => sameId(f.string('loss')!, 'loss', run.loss, options('lossOptions'), (id) => alias('loss', id)), saved: withSettings(run.loss, 'lossOptions') },
    { flag: 'classes', same: (f) => f.integer('classes', 2) === classes, saved: classes === undefined ? 'none' : String(classes) },
  ];
  return fixed.filter(({ flag, same }) => flags.has(flag) && !same(flags)).map(({ flag, saved }) => `--${flag} ${flags.string(flag)!} (the model has ${saved})`);
}
