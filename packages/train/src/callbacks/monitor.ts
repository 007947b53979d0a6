import type { OptionField } from '@keel/registry';

/** The logged value a callback watches: a name such as 'val_loss', 'loss' or 'val_accuracy'. */
export const monitorField: OptionField = { expected: "the name of a logged value such as 'val_loss', 'loss' or 'val_accuracy'", accepts: (v) => typeof v === 'string' && v !== '' };
