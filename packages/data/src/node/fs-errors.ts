// File-system errors in words: what went wrong with which path, and what to do about it.

/** The errno code of a Node file-system error, if it has one. */
export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied (check the permissions of it and the directories above it)',
  EPERM: 'permission denied (check the permissions of it and the directories above it)',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'it is a directory',
  ENOENT: 'it does not exist',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
  EMFILE: 'too many open files',
};

/** A Node file-system error in words ("permission denied (...)"); other errors keep their message. */
export function fsReason(error: unknown): string {
  const code = errorCode(error);
  return (code === undefined ? undefined : REASONS[code]) ?? (error instanceof Error ? error.message : String(error));
}

/** "cannot <action> <path>: <reason>". */
export function describeFsError(action: string, path: string, error: unknown): string {
  return `cannot ${action} ${path}: ${fsReason(error)}`;
}

/** The same as an Error, with the original as its cause. */
export function fsError(action: string, path: string, error: unknown): Error {
  const wrapped = new Error(describeFsError(action, path, error), { cause: error });
  (wrapped as NodeJS.ErrnoException).code = errorCode(error);
  return wrapped;
}
