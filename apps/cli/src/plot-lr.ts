// `keel lr-find --plot`: the LR range test as an SVG — loss against learning rate on a log axis,
// raw and smoothed, with the suggested rate marked.
import type { LrFinderResult } from '@keel/diagnostics';
import { escapeXml, HEIGHT, panel, WIDTH, type Series } from './plot.js';

function powerLabel(exponent: number): string {
  return exponent >= -3 && exponent <= 3 ? String(Number((10 ** exponent).toPrecision(3))) : `1e${exponent}`;
}

export function lrFinderSvg(result: LrFinderResult, title: string): string {
  const logs = result.lrs.map(Math.log10);
  // The divergence at the end would squash the useful part of the curve flat: cap the y axis at
  // twice the first smoothed loss (the climb still shows, running into the top).
  const first = result.smoothed.find((v) => v !== null) ?? Number.POSITIVE_INFINITY;
  const cap = 2 * first;
  const points = (values: readonly (number | null)[]): [number, number][] =>
    values.flatMap((v, i): [number, number][] => (v === null || !Number.isFinite(v) ? [] : [[logs[i], Math.min(v, cap)]]));
  const series: Series[] = [
    { id: 'raw-loss', label: 'loss', color: '#9ecae1', dashed: false, points: points(result.losses) },
    { id: 'smoothed-loss', label: 'smoothed loss', color: '#1f77b4', dashed: false, points: points(result.smoothed) },
  ];
  const min = Math.floor(Math.min(...logs));
  const max = Math.ceil(Math.max(...logs));
  const ticks = Array.from({ length: max - min + 1 }, (_, i) => min + i);
  const markers = result.suggested === undefined ? [] : [{ x: Math.log10(result.suggested), label: `suggested ${Number(result.suggested.toPrecision(2))}` }];
  const axis = { label: 'learning rate (log scale)', min: min - 0.1, max: max + 0.1, ticks, tickLabel: powerLabel, dots: false };
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    panel(0, title, 'loss', series, axis, false, markers, WIDTH),
    '</svg>',
    '',
  ].join('\n');
}
