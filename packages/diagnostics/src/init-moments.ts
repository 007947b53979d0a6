// The first two moments of a kernel's initial distribution. For Keel's own initializers they are
// known in closed form from the layer's config (`layer.config().kernelInitializer`), which is
// exact even for a 1×3 kernel whose three samples say little; for anything else (a third-party
// initializer, weights loaded from a file) the kernel's values are measured.
import { createInitializer, TRUNCATED_NORMAL_STD } from '@keel/initializers';
import type { Registry } from '@keel/registry';
import { Random, type Tensor } from '@keel/tensor';
import { valueStats } from './stats.js';

export interface Moments {
  readonly mean: number;
  /** E[w²]. */
  readonly secondMoment: number;
  /** 'config' when computed from the initializer's id and options, 'measured' when read off the values. */
  readonly from: 'config' | 'measured';
}

type Spec = string | { readonly id: string; readonly [option: string]: unknown };

const num = (value: unknown, fallback: number): number => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);

/** Closed-form moments of a Keel initializer for these fans, or undefined for an unknown one. */
export function initializerMoments(spec: Spec, fanIn: number, fanOut: number): Omit<Moments, 'from'> | undefined {
  const id = typeof spec === 'string' ? spec : spec.id;
  const o: Readonly<Record<string, unknown>> = typeof spec === 'string' ? {} : spec;
  switch (id) {
    case 'zeros':
      return { mean: 0, secondMoment: 0 };
    case 'ones':
      return { mean: 1, secondMoment: 1 };
    case 'constant': {
      const v = num(o.value, 0);
      return { mean: v, secondMoment: v * v };
    }
    case 'uniform': {
      const a = num(o.minval, -0.05);
      const b = num(o.maxval, 0.05);
      return { mean: (a + b) / 2, secondMoment: (a * a + a * b + b * b) / 3 };
    }
    case 'normal': {
      const m = num(o.mean, 0);
      const s = num(o.stddev, 0.05);
      return { mean: m, secondMoment: m * m + s * s };
    }
    case 'truncatedNormal': {
      const m = num(o.mean, 0);
      const s = num(o.stddev, 0.05) * TRUNCATED_NORMAL_STD;
      return { mean: m, secondMoment: m * m + s * s };
    }
    case 'glorotUniform':
    case 'glorotNormal':
      return { mean: 0, secondMoment: 2 / (fanIn + fanOut) };
    case 'heUniform':
    case 'heNormal':
      return { mean: 0, secondMoment: 2 / Math.max(1, fanIn) };
    case 'lecunUniform':
    case 'lecunNormal':
      return { mean: 0, secondMoment: 1 / Math.max(1, fanIn) };
    case 'varianceScaling': {
      const scale = num(o.scale, 1);
      const fan = o.mode === 'fanOut' ? fanOut : o.mode === 'fanAvg' ? (fanIn + fanOut) / 2 : fanIn;
      return { mean: 0, secondMoment: scale / Math.max(1, fan) };
    }
    case 'orthogonal': {
      const gain = num(o.gain, 1);
      return { mean: 0, secondMoment: (gain * gain) / Math.max(fanIn, fanOut) };
    }
    default:
      return undefined;
  }
}

/** The kernel's initializer spec from the layer's public config, if it has one. */
export function kernelSpecOf(layer: unknown, fallbackId: string | undefined): Spec | undefined {
  const config = typeof (layer as { config?: unknown }).config === 'function' ? (layer as { config: () => Record<string, unknown> }).config() : undefined;
  const spec = config?.kernelInitializer;
  if (typeof spec === 'string') return spec;
  if (typeof spec === 'object' && spec !== null && typeof (spec as { id?: unknown }).id === 'string') return spec as Spec;
  return fallbackId;
}

/**
 * The moments of a kernel: from its initializer's config while the weights still look like what it
 * drew (second moment within 3× of the closed form), else measured.
 */
export function kernelMoments(kernel: Tensor, spec: Spec | undefined, fanIn: number, fanOut: number): Moments {
  const s = valueStats(kernel.values);
  const measured = s.mean * s.mean + s.std * s.std;
  const known = spec !== undefined ? initializerMoments(spec, fanIn, fanOut) : undefined;
  // Still the weights the initializer drew (same scale within sampling noise)? Then the closed form is exact.
  const fresh = known !== undefined && (known.secondMoment === 0 ? measured === 0 : measured / known.secondMoment > 1 / 3 && measured / known.secondMoment < 3);
  if (fresh) return { ...known, from: 'config' };
  return { mean: s.mean, secondMoment: measured, from: 'measured' };
}

/** The standard deviation the activation's recommended initializer gives these fans (closed form, or sampled). */
export function recommendedScale(registry: Registry | undefined, id: string, shape: readonly number[], fanIn: number, fanOut: number): number {
  const known = initializerMoments(id, fanIn, fanOut);
  if (known !== undefined) return Math.sqrt(known.secondMoment - known.mean * known.mean);
  if (registry === undefined) return 1 / Math.sqrt(Math.max(1, fanIn));
  try {
    const init = createInitializer(registry, registry.idOf('initializer', id));
    let squares = 0;
    let count = 0;
    for (let seed = 0; count < 4096 && seed < 64; seed++) {
      const values = init(shape, { fanIn, fanOut, random: new Random(1000 + seed) }).values;
      for (let i = 0; i < values.length; i++) squares += values[i] * values[i];
      count += values.length;
    }
    return Math.sqrt(squares / Math.max(count, 1));
  } catch {
    return 1 / Math.sqrt(Math.max(1, fanIn));
  }
}
