import type { Layer, LayerConfig } from './layer.js';

/** A layer plugin entry: how to rebuild a layer of this type from its config. */
export interface LayerEntry {
  readonly id: string;
  readonly override?: boolean;
  readonly description: string;
  readonly create: (config: LayerConfig) => Layer;
}

declare module '@keel/registry' {
  interface KindEntries {
    layer: LayerEntry;
  }
  interface RegisteredIds {
    'layer:dense': true;
    'layer:activation': true;
    'layer:dropout': true;
    'layer:batchNorm': true;
    'layer:layerNorm': true;
    'layer:flatten': true;
    'layer:reshape': true;
    'layer:conv2d': true;
    'layer:maxPool2d': true;
    'layer:avgPool2d': true;
  }
}
