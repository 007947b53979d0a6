#!/usr/bin/env node
// Ctrl-C while the modules load, or in a command without a handler of its own: quit with a word
// and exit code 130, never silently. `keel train` puts up its own, which says what was saved.
process.on('SIGINT', () => {
  if (process.listenerCount('SIGINT') > 1) return; // the command's own handler says what happened
  process.stderr.write('\nkeel: interrupted (Ctrl-C)\n');
  process.exit(130);
});

const { main } = await import('./main.js');

// `keel plugins | head`: a closed pipe ends the command quietly instead of with a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2));
