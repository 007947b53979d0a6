// A sparkline: a word-sized line of a series on a log scale, with its last value beside it in
// the page (the caption is HTML). Null values (non-finite numbers) show as a red tick.
import { fitCanvas } from './canvas.js';
import { extent, scale } from './scale.js';

export function drawSparkline(canvas: HTMLCanvasElement, values: readonly (number | null)[], color: string, log = true): void {
  const { ctx, width, height } = fitCanvas(canvas);
  const finite = values.map((v) => (v === null || !Number.isFinite(v) || (log && v <= 0) ? NaN : v));
  const range = extent(finite, log);
  if (range === undefined || values.length < 2) return;
  const x = scale([0, values.length - 1], [2, width - 2]);
  const y = scale(range[0] === range[1] ? [range[0] / 2, range[1] * 2] : range, [height - 2, 2], log);
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.25;
  ctx.beginPath();
  let pen = false;
  finite.forEach((v, i) => {
    if (Number.isNaN(v)) {
      pen = false;
      ctx.save();
      ctx.fillStyle = '#c92a2a';
      ctx.fillRect(x(i) - 0.5, 0, 1.5, height);
      ctx.restore();
      return;
    }
    if (pen) ctx.lineTo(x(i), y(v));
    else ctx.moveTo(x(i), y(v));
    pen = true;
  });
  ctx.stroke();
}
