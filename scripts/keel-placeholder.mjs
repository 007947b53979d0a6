// Placeholder for the `keel` CLI until apps/cli exists (issue: the CLI).
console.log('The keel CLI is not built yet; the workspace is set up and every package is built.');
