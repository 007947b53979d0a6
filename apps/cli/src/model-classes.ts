// Reading a data set with a saved model's class count (eval, train --resume): a label outside it
// is outside "the model's N classes", not "the declared" ones (nobody declared them on this run).
import { DataSourceError } from '@keel/data';
import { CliError, EXIT } from './errors.js';

/** `error` reworded when it is a label outside the model's `classes`; any other error as it is. */
export function inModelClasses(error: unknown, classes: number): unknown {
  if (!(error instanceof DataSourceError && error.code === 'label-range')) return error;
  return new CliError(error.message.replace(`the declared ${classes} classes`, `the model's ${classes} classes`), EXIT.failure, { cause: error });
}
