/** Errors a user can act on: wrong shapes, axes, dtypes or values, named by op (and layer scope). */
export class TensorError extends Error {
  readonly op: string;

  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = 'TensorError';
    this.op = op;
  }
}

/** Shapes that do not fit together. */
export class ShapeError extends TensorError {
  constructor(op: string, message: string) {
    super(op, message);
    this.name = 'ShapeError';
  }
}

/** A broken promise inside Keel (e.g. a gradient whose shape is not its input's). Never a user error. */
export class InternalError extends Error {
  constructor(message: string) {
    super(`internal error (please report): ${message}`);
    this.name = 'InternalError';
  }
}
