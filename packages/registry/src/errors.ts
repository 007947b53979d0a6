export type RegistryErrorCode =
  | 'unknown-id'
  | 'unknown-kind'
  | 'conflict'
  | 'frozen'
  | 'invalid-id'
  | 'invalid-plugin';

/** Every error the registry throws; `code` is stable, the message is for people. */
export class RegistryError extends Error {
  readonly code: RegistryErrorCode;

  constructor(code: RegistryErrorCode, message: string) {
    super(message);
    this.name = 'RegistryError';
    this.code = code;
  }
}

/** A lookup of an id that is not registered; carries the nearest registered id, if any. */
export class UnknownIdError extends RegistryError {
  readonly kind: string;
  readonly id: string;
  readonly suggestion: string | undefined;
  readonly registered: readonly string[];

  constructor(kind: string, id: string, registered: readonly string[], suggestion: string | undefined) {
    const hint = suggestion === undefined ? '' : `; did you mean '${suggestion}'?`;
    const list = registered.length === 0 ? `no ${kind} is registered` : `registered: ${registered.join(', ')}`;
    super('unknown-id', `unknown ${kind} '${id}'${hint} ${list}`);
    this.name = 'UnknownIdError';
    this.kind = kind;
    this.id = id;
    this.suggestion = suggestion;
    this.registered = registered;
  }
}
