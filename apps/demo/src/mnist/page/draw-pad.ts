// The draw-a-digit canvas: pointer strokes (mouse, pen or touch) in thick round ink, reported
// after every stroke segment so the prediction follows the drawing live.
import { mnistPixels } from './preprocess.js';

/** Ink width on the 280-pixel pad: about 2 pixels once the digit is scaled to MNIST's 20-pixel box. */
const INK = 20;

export class DrawPad {
  private last: { x: number; y: number } | undefined;
  private readonly ctx: CanvasRenderingContext2D;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly onInk: (pixels: Float32Array | undefined) => void,
  ) {
    this.ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    canvas.addEventListener('pointerdown', (event) => {
      canvas.setPointerCapture(event.pointerId);
      this.last = this.point(event);
      this.dot(this.last);
      this.changed();
    });
    canvas.addEventListener('pointermove', (event) => {
      if (this.last === undefined) return;
      const next = this.point(event);
      this.line(this.last, next);
      this.last = next;
      this.changed();
    });
    const end = (): void => {
      if (this.last === undefined) return;
      this.last = undefined;
      this.changed();
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  clear(): void {
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.changed();
  }

  /** Shows a 28×28 image (e.g. an MNIST test digit) on the pad, as ink. */
  showImage(pixels: Uint8Array): void {
    const image = new ImageData(28, 28);
    for (let i = 0; i < 784; i++) image.data[4 * i + 3] = pixels[i];
    const small = document.createElement('canvas');
    small.width = 28;
    small.height = 28;
    small.getContext('2d')!.putImageData(image, 0, 0);
    this.ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.ctx.imageSmoothingEnabled = true;
    this.ctx.drawImage(small, 0, 0, this.canvas.width, this.canvas.height);
    this.changed();
  }

  /** Counts changes to the ink (data-ink), so a prediction can say which drawing it is for. */
  version = 0;

  private changed(): void {
    this.version++;
    this.canvas.dataset.ink = String(this.version);
    this.onInk(mnistPixels(this.canvas));
  }

  /** Pointer position in canvas pixels (the canvas may be shown smaller than it is). */
  private point(event: PointerEvent): { x: number; y: number } {
    const box = this.canvas.getBoundingClientRect();
    return { x: ((event.clientX - box.left) / box.width) * this.canvas.width, y: ((event.clientY - box.top) / box.height) * this.canvas.height };
  }

  private dot(p: { x: number; y: number }): void {
    this.ctx.fillStyle = '#000';
    this.ctx.beginPath();
    this.ctx.arc(p.x, p.y, INK / 2, 0, 2 * Math.PI);
    this.ctx.fill();
  }

  private line(a: { x: number; y: number }, b: { x: number; y: number }): void {
    this.ctx.strokeStyle = '#000';
    this.ctx.lineWidth = INK;
    this.ctx.lineCap = 'round';
    this.ctx.lineJoin = 'round';
    this.ctx.beginPath();
    this.ctx.moveTo(a.x, a.y);
    this.ctx.lineTo(b.x, b.y);
    this.ctx.stroke();
  }
}
