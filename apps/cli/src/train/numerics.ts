// When fit's numerics guard stops `keel train`, the doctor's trace re-runs the failing step op by
// op and names the first op that produced a NaN or ±Infinity, its layer and its inputs — what
// `keel doctor` reports, without having to run it.
import { Doctor, explain } from '@keel/diagnostics';
import type { Module } from '@keel/layers';
import type { Registry } from '@keel/registry';
import type { NumericsError} from '@keel/train';
import { resolveLoss, type LossArg } from '@keel/train';
import { CliError, oneLine } from '../errors.js';

/**
 * The error `keel train` reports for a NumericsError: the guard's own words when the trace cannot
 * add anything (the update or the optimizer state went non-finite), else the traced finding.
 */
export function explainNumerics(error: NumericsError, model: Module, loss: LossArg, registry: Registry): CliError {
  const batch = error.batch;
  if (batch === undefined || (error.phase !== 'loss' && error.phase !== 'gradient')) return new CliError(`training stopped: ${oneLine(error)}`, undefined, { cause: error });
  try {
    const doc = new Doctor({ registry, replay: { batchAt: () => batch, loss: resolveLoss(registry, loss).fn, stepsPerEpoch: 0 } });
    doc.attachModel(model);
    doc.handleError(error);
    const traced = doc.findings().find((f) => f.code === 'nan-produced');
    if (traced === undefined) return new CliError(`training stopped: ${oneLine(error)}`, undefined, { cause: error });
    return new CliError(`training stopped: ${explain(traced)}`, undefined, { cause: error });
  } finally {
    batch.x.dispose();
    batch.y.dispose();
  }
}
