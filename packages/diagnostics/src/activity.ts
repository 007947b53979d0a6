// How the units of one layer behaved on one batch, from its pre-activations z and the
// activation's metadata: which units fired (z above the saturation threshold of a ReLU-like
// activation), what fraction of z sits in the flat tails of a sigmoid-like one, and how much the
// outputs vary across examples.
import type { Tensor } from '@keel/tensor';
import { isOneSided, isTwoSided, type ActivationInfo } from './model-info.js';

export interface UnitActivity {
  /** Units along the last axis (a Dense layer's units, a Conv2D layer's filters). */
  readonly units: number;
  /** For ReLU-like activations: 1 where the unit's input exceeded the threshold for at least one example. */
  readonly fired: Uint8Array | undefined;
  /** Fraction of units that never fired on this batch (ReLU-like only, else NaN). */
  readonly deadFraction: number;
  /** Fraction of z values in the saturated tails (sigmoid-like only, else NaN). */
  readonly saturatedFraction: number;
  readonly preRms: number;
  readonly preMean: number;
}

export function unitActivity(pre: Tensor, act: ActivationInfo | undefined): UnitActivity {
  const values = pre.values;
  const units = pre.rank === 0 ? 1 : pre.shape[pre.rank - 1];
  const rows = units > 0 ? Math.floor(values.length / units) : 0;
  let squares = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    squares += values[i] * values[i];
  }
  const preRms = Math.sqrt(squares / Math.max(values.length, 1));
  const preMean = sum / Math.max(values.length, 1);
  let fired: Uint8Array | undefined;
  let deadFraction = NaN;
  let saturatedFraction = NaN;
  if (isOneSided(act)) {
    const below = act!.saturation.below!;
    fired = new Uint8Array(units);
    for (let r = 0; r < rows; r++) {
      const o = r * units;
      for (let u = 0; u < units; u++) if (values[o + u] > below) fired[u] = 1;
    }
    let dead = 0;
    for (let u = 0; u < units; u++) if (fired[u] === 0) dead++;
    deadFraction = dead / Math.max(units, 1);
  } else if (isTwoSided(act)) {
    const below = act!.saturation.below!;
    const above = act!.saturation.above!;
    let saturated = 0;
    for (let i = 0; i < values.length; i++) if (values[i] < below || values[i] > above) saturated++;
    saturatedFraction = saturated / Math.max(values.length, 1);
  }
  return { units, fired, deadFraction, saturatedFraction, preRms, preMean };
}

/** The largest, over output units, of each unit's spread across examples, and the outputs' typical size. */
export function outputSpread(output: Tensor): { spread: number; scale: number } {
  const values = output.values;
  const units = output.rank <= 1 ? 1 : output.shape[output.rank - 1];
  const rows = Math.floor(values.length / Math.max(units, 1));
  let spread = 0;
  let scale = 0;
  for (let u = 0; u < units; u++) {
    let min = Infinity;
    let max = -Infinity;
    for (let r = 0; r < rows; r++) {
      const v = values[r * units + u];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    spread = Math.max(spread, max - min);
    scale = Math.max(scale, Math.abs(min), Math.abs(max));
  }
  return { spread, scale };
}

export function rms(t: Tensor): number {
  const values = t.values;
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] * values[i];
  return Math.sqrt(s / Math.max(values.length, 1));
}
