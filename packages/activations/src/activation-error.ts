/**
 * An activation entry that does not keep its contract: `meta` that is not usable metadata, or a
 * forward that throws, returns something other than a Tensor, or changes the shape. The message
 * names the layer (when one is applying it), the activation id and its plugin.
 */
export class ActivationError extends TypeError {
  /** The activation id. */
  readonly id: string;
  /** The plugin that provides it (`@acme/act@1.0.0`), when created through a registry. */
  readonly plugin: string | undefined;
  /** The layer applying it, when one was (the tensor engine's scope). */
  readonly layer: string | undefined;

  constructor(message: string, id: string, plugin: string | undefined, layer?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ActivationError';
    this.id = id;
    this.plugin = plugin;
    this.layer = layer;
  }
}

/** "activation 'acme/swish' (@acme/act@1.0.0)", as messages name an activation. */
export function activationLabel(id: string, plugin: string | undefined): string {
  return `activation '${id}'${plugin === undefined ? '' : ` (${plugin})`}`;
}
