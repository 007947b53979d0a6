// A folder per test run for the packed Keel tarballs (packed-keel.ts fills it when a test first
// asks), removed when the run ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import './packed-keel.js'; // the type of the provided value

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'keel-packed-'));
  project.provide('keelPackDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
