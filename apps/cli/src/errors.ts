import { RegistryError } from '@keel/registry';

/** Exit codes (documented in the README). */
export const EXIT = {
  ok: 0,
  /** Training, data or model files failed. */
  failure: 1,
  /** The command line is wrong: an unknown command, flag or id, a bad value. */
  usage: 2,
  /** Stopped by Ctrl-C (SIGINT): 128 + 2. */
  interrupted: 130,
  /** Stopped by SIGTERM (kill, a container stopping): 128 + 15. */
  terminated: 143,
} as const;

/** An error the CLI reports as one line, `keel: <message>`, with an exit code. */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number = EXIT.failure, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A mistake on the command line (exit code 2). */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT.usage);
}

/** The exit code for any error: usage errors and unknown registry ids are 2, everything else 1. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof RegistryError) return EXIT.usage;
  return EXIT.failure;
}

/** An error as one line: its message with line breaks folded, never a stack trace. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const text = message.replace(/\s*\r?\n\s*/g, ' ').trim();
  return text === '' ? (error instanceof Error ? error.name : 'unknown error') : text;
}

/** Runs `fn`, turning a registry error into a usage error that names the flag it came from. */
export function withFlag<T>(flag: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof RegistryError) throw new CliError(`--${flag}: ${oneLine(error)}`, EXIT.usage, { cause: error });
    throw error;
  }
}
