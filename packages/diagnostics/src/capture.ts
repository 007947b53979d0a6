// Reading a forward pass as it happens, through @keel/tensor's `engine.hooks`: layers run their
// ops inside a scope named after the layer, so each op event says which layer it belongs to. For
// every layer the capture keeps (by reference, no copies) its input, its pre-activation — the
// output of the op that consumed the layer's bias (or kernel, without a bias) — and its output.
// Nothing is recomputed: the doctor reads the very tensors the training step made.
import { engine, type OpEvent, type OpHook, type Tensor } from '@keel/tensor';
import type { LayerView } from './model-info.js';

export interface LayerCapture {
  /** The layer's input (the first input of its first op). */
  input?: Tensor;
  /** The activation's input z (x·W + b), for layers with a kernel, or the input of an activation layer. */
  pre?: Tensor;
  /** The layer's output (the last op it ran). */
  output?: Tensor;
}

/** Removes a hook from the engine (no-op if it is not installed). */
export function removeHook(hook: OpHook): void {
  const index = engine.hooks.indexOf(hook);
  if (index >= 0) engine.hooks.splice(index, 1);
}

/**
 * Captures one forward pass: `attach()` before the model runs; it detaches itself at the first
 * backward-phase op (or call `detach()`), so a step that throws never leaves it installed past
 * its forward pass.
 */
export class ForwardCapture {
  readonly captures = new Map<string, LayerCapture>();
  /** The model's input: the first input of the first op that ran inside any layer. */
  modelInput: Tensor | undefined;
  private readonly byName = new Map<string, LayerView>();
  private readonly scopeToLayer = new Map<string, LayerView | null>();
  private attached = false;
  private done = false;
  readonly hook: OpHook = (event) => this.onOp(event);

  constructor(layers: readonly LayerView[]) {
    for (const layer of layers) this.byName.set(layer.name, layer);
  }

  /** Starts capturing a new forward pass (what an earlier one captured is dropped). */
  attach(): this {
    this.done = false;
    this.captures.clear();
    this.modelInput = undefined;
    if (!this.attached) {
      engine.hooks.push(this.hook);
      this.attached = true;
    }
    return this;
  }

  detach(): void {
    if (this.attached) removeHook(this.hook);
    this.attached = false;
  }

  get isAttached(): boolean {
    return this.attached;
  }

  private layerOf(scope: string): LayerView | null {
    let layer = this.scopeToLayer.get(scope);
    if (layer === undefined) {
      const exact = this.byName.get(scope);
      const last = scope.includes('/') ? this.byName.get(scope.slice(scope.lastIndexOf('/') + 1)) : undefined;
      layer = exact ?? last ?? null;
      this.scopeToLayer.set(scope, layer);
    }
    return layer;
  }

  private onOp(event: OpEvent): void {
    if (this.done) return;
    if (event.phase !== 'forward') {
      // The forward pass is over. Removing the hook while the engine iterates its hooks would make
      // it skip the next one for this op, so stop listening now and leave at the next tick.
      this.done = true;
      queueMicrotask(() => {
        if (this.done) this.detach();
      });
      return;
    }
    if (event.scope === '') return;
    const layer = this.layerOf(event.scope);
    if (layer === null) return;
    let capture = this.captures.get(layer.name);
    if (capture === undefined) {
      capture = { input: event.inputs[0] };
      this.captures.set(layer.name, capture);
      if (this.modelInput === undefined) this.modelInput = event.inputs[0];
      if (layer.type === 'activation') capture.pre = event.inputs[0];
    }
    const marker = layer.bias ?? layer.kernel;
    if (marker !== undefined && event.inputs.includes(marker)) capture.pre = event.output;
    capture.output = event.output;
  }
}
