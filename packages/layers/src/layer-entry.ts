import type { OptionFields } from '@keel/registry';
import type { Layer, LayerConfig } from './layer.js';

/** A layer plugin entry: how to rebuild a layer of this type from its config. */
export interface LayerEntry {
  readonly id: string;
  readonly override?: boolean;
  readonly description: string;
  /**
   * Every option the layer takes (name and inputShape included), declared once with a check, a
   * one-line description and the default: the constructor checks its options against the same
   * fields (`checkLayerOptions`), and `keel plugins --describe` lists them.
   */
  readonly options?: OptionFields;
  readonly create: (config: LayerConfig) => Layer;
}

declare module '@keel/registry' {
  interface KindEntries {
    layer: LayerEntry;
  }
}
