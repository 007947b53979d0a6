// Where the CLI writes: human text or JSON lines on stdout, warnings and errors on stderr.
// Control characters (the redrawn progress bar) are only ever written to an interactive terminal.

/** A stream the CLI writes to (process.stdout / stderr, or a fake in tests). */
export interface TextStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface Io {
  readonly stdout: TextStream;
  readonly stderr: TextStream;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}

export interface OutputOptions {
  readonly json?: boolean;
  readonly verbose?: boolean;
}

/** The CLI's output: `line` for people, `event` for --json, `warn` and `debug` to stderr. */
export class Output {
  readonly json: boolean;
  readonly verbose: boolean;
  /** True when stdout is an interactive terminal and not in --json mode: bars may be redrawn. */
  readonly interactive: boolean;

  constructor(
    readonly io: Io,
    options: OutputOptions = {},
  ) {
    this.json = options.json === true;
    this.verbose = options.verbose === true;
    this.interactive = !this.json && io.stdout.isTTY === true && io.env.TERM !== 'dumb';
  }

  get columns(): number {
    return this.io.stdout.columns || 80;
  }

  /** Text for people (not printed in --json mode). */
  line(text = ''): void {
    if (!this.json) this.io.stdout.write(`${text}\n`);
  }

  /** One JSON object per line (only in --json mode). */
  event(name: string, fields: Record<string, unknown> = {}): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify({ event: name, ...fields }, jsonSafe)}\n`);
  }

  /** Raw text for an interactive terminal (the progress bar). */
  redraw(text: string): void {
    if (this.interactive) this.io.stdout.write(text);
  }

  warn(text: string): void {
    this.io.stderr.write(`keel: warning: ${text}\n`);
  }

  debug(text: string): void {
    if (this.verbose) this.io.stderr.write(`keel: ${text}\n`);
  }
}

/** NaN and ±Infinity are not JSON: write them as null. */
function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}
