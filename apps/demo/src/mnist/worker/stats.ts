// Per-layer statistics for the live histograms and sparklines: each layer's outputs on a fixed
// batch (one extra forward pass, without gradients), its kernel's gradient as the step left it,
// and the doctor's own samples of gradient norms and update ratios.
import type { Doctor } from '@keel/diagnostics';
import type { Sequential } from '@keel/layers';
import { noGrad, type Tensor } from '@keel/tensor';
import { histogram } from '../../shared/charts/histogram.js';
import type { LayerStats } from '../protocol.js';

export function layerStats(model: Sequential, probe: Tensor, doctor: Doctor): LayerStats[] {
  const series = doctor.series().layers;
  const outputs: { values: Float32Array }[] = [];
  noGrad(() => {
    let x = probe;
    for (const layer of model.layers) {
      x = layer.apply(x);
      outputs.push({ values: Float32Array.from(x.values) });
    }
  });
  return model.layers.map((layer, i) => {
    const name = layer.name ?? `layer_${i + 1}`;
    const values = outputs[i].values;
    let zeros = 0;
    for (const v of values) if (v === 0) zeros++;
    const grad = layer.parameters().get(`${name}/kernel`)?.grad;
    const samples = series[name] ?? [];
    return {
      name,
      activation: histogram(values),
      zeroFraction: zeros / values.length,
      gradient: grad === null || grad === undefined ? undefined : histogram(grad.values),
      gradNorms: samples.map((s) => s.gradNorm),
      updateRatios: samples.map((s) => s.updateRatio),
    };
  });
}
