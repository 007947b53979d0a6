/** Debian's Chromium (`apt-get install -y chromium`), which the tests drive through playwright-core. */
export const CHROMIUM = '/usr/bin/chromium';
