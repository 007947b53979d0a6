import type { OptionFields } from '@keel/registry';

const FIELD_ADVICE =
  "declare it as lr: { expected: 'a positive number or a schedule (step => rate)', accepts: (v) => typeof v === 'function' || (typeof v === 'number' && v > 0) } " +
  'and have create read a function as the rate at each step';

/**
 * Trainers (`fit`, the CLI, the learning-rate finder) create an optimizer by id with `lr` as a
 * schedule, step => rate, so that schedules and callbacks (reduce-on-plateau) can change the rate
 * while it trains — even for a constant rate. Says what in an entry's declared options cannot take
 * that (undefined when nothing does): a declared `lr` that accepts only numbers, or no `lr` among
 * declared options. Undeclared options (`options` left out) are passed to `create` unchecked.
 */
export function scheduleLrProblem(options: OptionFields | undefined): string | undefined {
  if (options === undefined) return undefined;
  const field = options.lr as OptionFields[string] | undefined;
  if (field === undefined) {
    const declared = Object.keys(options);
    return `its declared options (${declared.length === 0 ? 'none' : declared.join(', ')}) have no lr, but Keel passes every optimizer it trains with its learning rate as lr, a schedule (step => rate); ${FIELD_ADVICE}`;
  }
  let accepted = false;
  try {
    accepted = field.accepts((_step: number) => 0.01);
  } catch {
    accepted = false;
  }
  if (accepted) return undefined;
  return (
    `its lr option accepts only ${field.expected}, but Keel passes lr as a schedule (step => rate) — even a constant rate — ` +
    `so that schedules and callbacks can change it while training; ${FIELD_ADVICE}`
  );
}
