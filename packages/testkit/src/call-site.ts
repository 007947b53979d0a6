// A failed check is reported at the line of the user's test that registered it
// (`testActivation(myPlugin)`), not inside the testkit: that line is what the user wrote and
// can open, where the testkit's own files are a detail of an installed package.

/** The stack frames ("    at …" lines) of whoever called `entry`, captured when it was called. */
export function callSite(entry: (...args: never[]) => unknown): string {
  const holder: { stack?: string } = {};
  // V8 (Node) drops `entry` and every frame above it; elsewhere the whole stack is kept.
  if (typeof Error.captureStackTrace === 'function') Error.captureStackTrace(holder, entry);
  else holder.stack = new Error().stack;
  return (holder.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
}

/** A failed check as an error whose stack is the user's call site: vitest shows that line. */
export function checkFailure(message: string, site: string): Error {
  const error = new Error(message);
  error.name = 'CheckFailed';
  error.stack = `${error.name}: ${message}${site === '' ? '' : `\n${site}`}`;
  return error;
}
