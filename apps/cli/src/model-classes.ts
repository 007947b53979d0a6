// Reading a data set with a saved model's class count (eval, train --resume): a label outside it
// is outside "the model's N classes", not "the declared" ones (nobody declared them on this run).
import { LabelRangeError, labelRangeMessage } from '@keel/data';
import { CliError, EXIT } from './errors.js';

/** `error` said of the model's classes when it is a label outside them; any other error as it is. */
export function inModelClasses(error: unknown): unknown {
  if (!(error instanceof LabelRangeError)) return error;
  return new CliError(labelRangeMessage(error, "the model's"), EXIT.failure, { cause: error });
}
