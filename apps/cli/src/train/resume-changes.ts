// The settings a resumed run changes. preprocessing.run keeps the settings the next resume goes on
// with (the latest); training.changes keeps each change and the epoch it took effect, so the record
// never says the whole run used settings only its later epochs did. Changes no other notice
// announces (the seed, momentum, batch size) are announced here.
import type { RunSettings, TrainConfig } from './config.js';
import type { DataRecord, SettingChange } from './training-record.js';

/** The run settings a resumed run may change (the others are refused or fixed by the model). */
const CHANGEABLE = ['lr', 'momentum', 'schedule', 'epochs', 'batchSize', 'seed', 'validationSplit', 'allowSparseClasses'] as const;
/** Those the schedule and validation notices do not already announce, with their flags. */
const ANNOUNCED_HERE: Readonly<Partial<Record<string, string>>> = { seed: '--seed', momentum: '--momentum', batchSize: '--batch-size', allowSparseClasses: '--allow-sparse-classes' };

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The changes this resume makes, from epoch `epochsDone + 1` on; `data` when --switch-data let another set through. */
export function settingChanges(
  saved: { readonly run: RunSettings; readonly dataDir: string | undefined; readonly data: DataRecord | undefined },
  now: { readonly config: TrainConfig; readonly data: DataRecord; readonly switched: boolean },
  epochsDone: number,
): SettingChange[] {
  const epoch = epochsDone + 1;
  const changes: SettingChange[] = [];
  for (const setting of CHANGEABLE) {
    const [was, value] = [saved.run[setting], now.config[setting]];
    if (!same(was, value)) changes.push({ epoch, setting, was: was ?? null, now: value ?? null });
  }
  if (now.switched) {
    if (!same(saved.dataDir, now.config.dataDir)) changes.push({ epoch, setting: 'dataDir', was: saved.dataDir ?? null, now: now.config.dataDir ?? null });
    if (!same(saved.data, now.data)) changes.push({ epoch, setting: 'data', was: saved.data ?? null, now: now.data });
  }
  return changes;
}

/** The notice for the changes no other notice announces, or undefined. */
export function changesNote(changes: readonly SettingChange[]): string | undefined {
  const listed = changes.flatMap((c) => {
    const flag = ANNOUNCED_HERE[c.setting];
    // (these settings are numbers or true: their JSON is how they are typed)
    return flag === undefined ? [] : [`${flag} ${JSON.stringify(c.now)} (was ${c.was === null ? 'not set' : JSON.stringify(c.was)})`];
  });
  if (listed.length === 0) return undefined;
  return (
    `${listed.join(', ')}: from epoch ${changes[0].epoch} on the run uses ${listed.length === 1 ? 'this setting' : 'these settings'}, the earlier epochs used the saved ones, ` +
    'so the result differs from a straight run with either. model.json records each change and the epoch it took effect (training.changes)'
  );
}
