// When fit's numerics guard stops `keel train`, the doctor's trace re-runs the failing step op by
// op and names the first op that produced a NaN or ±Infinity, its layer and its inputs — what
// `keel doctor` reports, without having to run it. A value the optimizer's update made (the loss
// and gradients finite) is traced through a re-run of that update, naming the optimizer and plugin.
import { Doctor, explain } from '@keel/diagnostics';
import type { Module } from '@keel/layers';
import type { Registry } from '@keel/registry';
import type { NumericsError, OptimizerArg } from '@keel/train';
import { resolveLoss, type LossArg } from '@keel/train';
import { CliError, oneLine } from '../errors.js';

/** The doctor's 'nan-produced' finding for the error, explained; `onlyTraced`: only one made from a trace (a re-run). */
function traced(doc: Doctor, error: NumericsError, model: Module, onlyTraced = false): string | undefined {
  doc.attachModel(model);
  doc.handleError(error);
  const found = doc.findings().find((f) => f.code === 'nan-produced');
  return found === undefined || (onlyTraced && found.source !== 'trace') ? undefined : explain(found);
}

/**
 * The error `keel train` reports for a NumericsError: the traced finding — the op of the forward or
 * backward pass (phases 'loss' and 'gradient'), or of the optimizer's update (phases 'update' and
 * 'state') — or the guard's own words when the trace cannot add anything.
 */
export function explainNumerics(error: NumericsError, model: Module, loss: LossArg, registry: Registry, optimizer?: OptimizerArg): CliError {
  const stopped = (text: string | undefined): CliError => new CliError(`training stopped: ${text ?? oneLine(error)}`, undefined, { cause: error });
  if (error.phase === 'update' || error.phase === 'state') {
    if (optimizer === undefined) return stopped(undefined);
    return stopped(traced(new Doctor({ registry, optimizer }), error, model, true));
  }
  const batch = error.batch;
  if (batch === undefined || (error.phase !== 'loss' && error.phase !== 'gradient')) return stopped(undefined);
  try {
    return stopped(traced(new Doctor({ registry, replay: { batchAt: () => batch, loss: resolveLoss(registry, loss).fn, stepsPerEpoch: 0 } }), error, model));
  } finally {
    batch.x.dispose();
    batch.y.dispose();
  }
}
