// Canvases drawn at the device's pixel density, sized by their CSS box, redrawn on resize.

/** Sizes the canvas's backing store to its CSS size × devicePixelRatio; returns the context in CSS pixels. */
export function fitCanvas(canvas: HTMLCanvasElement): { ctx: CanvasRenderingContext2D; width: number; height: number } {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(1, canvas.clientWidth);
  const height = Math.max(1, canvas.clientHeight);
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
  }
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('this browser cannot draw on a 2-D canvas');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return { ctx, width, height };
}

/** Calls `redraw` whenever the element's size changes. */
export function onResize(element: Element, redraw: () => void): void {
  let last = '';
  new ResizeObserver((entries) => {
    const box = entries[0].contentRect;
    const key = `${Math.round(box.width)}x${Math.round(box.height)}`;
    if (key === last) return;
    last = key;
    redraw();
  }).observe(element);
}
