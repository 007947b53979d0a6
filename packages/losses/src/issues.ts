import { TensorError } from '@keel/tensor';

/** What `checkLossInputs` can find; stable, for programs (the message is for people). */
export type LossIssueCode =
  | 'not-a-batch'
  | 'shape-mismatch'
  | 'non-finite'
  | 'index-not-whole'
  | 'index-out-of-range'
  | 'one-hot-for-sparse'
  | 'indices-for-one-hot'
  | 'targets-out-of-range'
  | 'targets-not-distribution'
  | 'probabilities-for-logits'
  | 'logits-for-probabilities'
  | 'predictions-not-distribution'
  | 'classes-with-regression-loss';

/**
 * A mismatch between a loss and its inputs. Errors make the loss meaningless (the loss itself
 * throws them); warnings are very likely mistakes the code cannot prove.
 */
export interface LossInputIssue {
  readonly level: 'error' | 'warning';
  readonly code: LossIssueCode;
  readonly message: string;
}

/** An error-level issue, with the message naming the loss first (as every Keel error names its op). */
export function lossError(loss: string, code: LossIssueCode, detail: string): LossInputIssue {
  return { level: 'error', code, message: `${loss}: ${detail}` };
}

export function lossWarning(code: LossIssueCode, message: string): LossInputIssue {
  return { level: 'warning', code, message };
}

/** What a loss throws for inputs it cannot use. A `TensorError` whose `op` is the loss. */
export class LossInputError extends TensorError {
  readonly code: LossIssueCode;

  constructor(loss: string, issue: LossInputIssue) {
    super(loss, issue.message);
    // The issue's message already starts with the loss name; do not prefix it twice.
    this.message = issue.message;
    this.name = 'LossInputError';
    this.code = issue.code;
  }
}

/** Throws the first error-level issue, if any. */
export function throwIfError(loss: string, issues: readonly (LossInputIssue | undefined)[]): void {
  for (const issue of issues) {
    if (issue !== undefined && issue.level === 'error') throw new LossInputError(loss, issue);
  }
}
