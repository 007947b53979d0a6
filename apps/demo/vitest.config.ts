import { keelProject } from '../../vitest.shared.js';

// End-to-end tests: Chromium (Debian's /usr/bin/chromium, driven by playwright-core) against the
// built site (dist/, made by `vite build` in the turbo build task), served on a free localhost
// port with the COOP/COEP headers cross-origin isolation needs. Training happens in the page, so
// tests get the shared hang guard's minutes, not seconds.
export default keelProject('demo', {
  globalSetup: ['test/global-setup.ts'],
});
