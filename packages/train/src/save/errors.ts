/**
 * A saved model (or one of its files) that cannot be read: a corrupt or truncated safetensors
 * file, a model.json that is not what Keel wrote, or weights that do not fit the model.
 * The message names the file (when known) and says what is wrong in plain words.
 */
export class ModelFileError extends Error {
  /** The file (or directory, IndexedDB key, bundle) the problem was found in, when known. */
  readonly source: string | undefined;

  constructor(message: string, source?: string, options?: ErrorOptions) {
    super(source === undefined ? message : `${source}: ${message}`, options);
    this.name = 'ModelFileError';
    this.source = source;
  }
}
