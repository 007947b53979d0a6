// Debian's Chromium (`apt-get install -y chromium`), which the tests and `bench/run.mjs` drive
// through playwright-core, and the flags both launch it with. Plain JavaScript, for both.

export const CHROMIUM = '/usr/bin/chromium';

/** Headless, no sandbox (containers), no GPU, nothing running in the background besides the page. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
