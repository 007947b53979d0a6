// A failed check must point at the user's own test file (the line that registered it), never into
// the testkit: a published package ships dist/, so a location in its src/ is a file the user
// does not have. Runs vitest on a fixture whose checks fail on purpose and reads what it prints.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

it("reports each failed check at the user's call, with the check's own message", () => {
  const run = spawnSync(process.execPath, [vitestBin, 'run', '--root', 'test/fixtures/failure-location'], {
    cwd: packageDir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', CI: '1' },
  });
  const output = `${run.stdout}${run.stderr}`;
  expect(run.status, output).toBe(1);
  const failures = output.slice(output.indexOf('Failed Tests'));
  expect(failures).toMatch(
    /CheckFailed: gradcheck FAILED: worst element is input 0 index \d+: analytic [-\d.e+]+ vs numeric [-\d.e+]+ .*\n ❯ broken-plugin\.fixture\.ts:31:1\n(?:.*\n){1,4}?.*31\| testActivation\(broken, 'acme\/badSigmoid'\);/,
  );
  expect(failures).toContain(
    "CheckFailed: update (step 1) changed the state it was given: state.trace.w element 0 was 0, now 0.5. update must return a new state and leave its arguments as they were (GradientTransformation in @keel/optimizers)\n ❯ broken-plugin.fixture.ts:32:1",
  );
  expect(failures).not.toMatch(/vitest\.(ts|js)/);
  expect(failures).not.toContain('expected false to be true');
});
