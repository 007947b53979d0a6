#!/usr/bin/env node
// Ctrl-C or SIGTERM while the modules load, or in a command without a handler of its own: quit
// with a word and the conventional exit code (128 + the signal's number: EXIT in errors.ts, not
// imported so these are up before any module loads), never silently. `keel train` puts up its
// own (signals.ts), which says what was saved.
for (const [signal, code, what] of [['SIGINT', 130, 'interrupted (Ctrl-C)'], ['SIGTERM', 143, 'terminated (SIGTERM)']] as const) {
  process.on(signal, () => {
    if (process.listenerCount(signal) > 1) return; // the command's own handler says what happened
    process.stderr.write(`\nkeel: ${what}\n`);
    process.exit(code);
  });
}

const { main } = await import('./main.js');

// `keel plugins | head`: a closed pipe ends the command quietly instead of with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
