// keel doctor, keel lr-find and keel bench, run as a user runs them: the built CLI as a subprocess.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allEngines } from '../src/bench/engines.js';
import { CONTROL, checkWellFormed, jsonLines, keel, requireBuiltCli } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'keel-cli-doctor-'));
beforeAll(() => requireBuiltCli());
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface ReportEvent {
  event: string;
  findings: { code: string; severity: string; summary: string; fix: string }[];
  outcome: { status: string; steps: number };
}

function report(stdout: string): ReportEvent {
  const found = jsonLines(stdout).find((e) => e.event === 'report');
  if (found === undefined) throw new Error(`no report event in:\n${stdout}`);
  return found as unknown as ReportEvent;
}

const codes = (r: ReportEvent): string[] => r.findings.map((f) => f.code);

describe('keel doctor', () => {
  it('the default MNIST set-up: no problems, exit code 0', async () => {
    const result = await keel(['doctor', 'mnist', '--steps', '100']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(CONTROL);
    expect(result.stdout).toContain('Keel doctor: no problems found');
  });

  it("the issue's example: MSE on ten classes, uniform(0, 1) weights and lr 1 — each mistake named with a fix, exit code 1", async () => {
    const result = await keel(['doctor', 'mnist', '--loss', 'mse', '--init', 'uniform:minval=0,maxval=1', '--lr', '1', '--json']);
    expect(result.code, result.stderr).toBe(1);
    const r = report(result.stdout);
    expect(codes(r)).toEqual(expect.arrayContaining(['mse-on-classification', 'init-too-large', 'init-not-centered']));
    const mse = r.findings.find((f) => f.code === 'mse-on-classification')!;
    expect(mse.summary).toContain('meanSquaredError');
    expect(mse.fix).toContain('sparseSoftmaxCrossEntropy');
    expect(r.findings.find((f) => f.code === 'init-too-large')!.fix).toMatch(/He initializer/);
  });

  it('raw 0–255 pixels and a loss summed over the batch are the findings of those bugs', async () => {
    const raw = await keel(['doctor', 'mnist', '--raw-pixels', '--steps', '50', '--json']);
    expect(report(raw.stdout).findings.find((f) => f.code === 'inputs-not-normalized')?.summary).toMatch(/0–255/);
    const summed = await keel(['doctor', 'mnist', '--reduction', 'sum', '--steps', '50', '--json']);
    expect(codes(report(summed.stdout))).toContain('loss-summed-not-averaged');
    expect(summed.code).toBe(1);
  });

  it('prints the report in plain words for people', async () => {
    const result = await keel(['doctor', 'xor', '--activation', 'relu', '--init', 'uniform:minval=0,maxval=1', '--steps', '50']);
    expect(result.stdout).toMatch(/^Keel doctor: \d+ (error|warning)/m);
    expect(result.stdout).toContain('[init-not-centered]');
    expect(result.stdout).toContain('Likely cause:');
    expect(result.stdout).toContain('Try:');
  });

  it('no probabilities-for-logits on a linear output: keel doctor xor over seeds 0–5, and healthy MNIST set-ups', async () => {
    const runs = [...[0, 1, 2, 3, 4, 5].map((seed) => ['xor', '--seed', String(seed)]), ['mnist'], ['mnist', '--activation', 'tanh', '--seed', '3'], ['mnist', '--layers', '32,16', '--optimizer', 'sgd']];
    for (const args of runs) {
      const result = await keel(['doctor', ...args, '--steps', '2', '--no-lr-finder', '--json']);
      expect(codes(report(result.stdout)), args.join(' ')).not.toContain('probabilities-for-logits');
    }
  });

  it('a probe whose training crashes is an error: exit code 1, and the report says the run failed', async () => {
    const result = await keel(['doctor', 'xor', '--steps', '5', '--plugin', './test/fixtures/faulty-optimizer-plugin.mjs', '--optimizer', 'acme/throws']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Keel doctor: the training run failed\n');
    expect(result.stdout).toContain('outcome: error (acme/throws: boom in update)');
    expect(result.stderr).toBe('keel: doctor: the probe training failed after 0 steps, so the report above is incomplete: acme/throws: boom in update\n');
  });

  it('bad values are one-line usage errors', async () => {
    const reduction = await keel(['doctor', 'mnist', '--reduction', 'avg']);
    expect(reduction.code).toBe(2);
    expect(reduction.stderr).toBe("keel: --reduction must be mean or sum, got 'avg'\n");
    const init = await keel(['doctor', 'mnist', '--init', 'uniform:0,1']);
    expect(init.code).toBe(2);
    expect(init.stderr).toMatch(/^keel: --init 'uniform:0,1': expected id or id:key=value/);
  });
});

describe('keel lr-find', () => {
  it('sweeps the learning rate, suggests one where the loss still falls, and plots the curve', async () => {
    const svg = join(tmp, 'lr.svg');
    const result = await keel(['lr-find', 'mnist', '--plot', svg, '--json']);
    expect(result.code, result.stderr).toBe(0);
    const event = jsonLines(result.stdout).find((e) => e.event === 'lr-find') as { suggested: number; lrs: number[]; smoothed: (number | null)[]; minimum: { lr: number } };
    expect(event.lrs[0]).toBeCloseTo(1e-6, 12);
    expect(event.lrs.length).toBeGreaterThan(30);
    // Plain SGD on MNIST diverges above ~1 and learns from ~1e-3: the suggestion sits between.
    expect(event.suggested).toBeGreaterThan(1e-4);
    expect(event.suggested).toBeLessThan(0.5);
    expect(event.suggested).toBeCloseTo(event.minimum.lr / 10, 10);
    const text = readFileSync(svg, 'utf8');
    checkWellFormed(text);
    expect(text).toContain('learning rate (log scale)');
    expect(text).toMatch(/class="marker-label"[^>]*>suggested /);
  });

  it("suggests the keel train command of the swept set-up: its plugins and flags kept", async () => {
    const plugin = './test/fixtures/acme-plugin.mjs';
    const result = await keel(['lr-find', 'xor', '--steps', '30', '--end', '1000', '--plugin', plugin, '--activation', 'acme/softish', '--layers', '8', '--seed', '2', '--plot', join(tmp, 'odd name.svg')]);
    expect(result.code, result.stderr).toBe(0);
    const suggested = /suggested learning rate: (\S+)/.exec(result.stdout)![1];
    expect(result.stdout).toContain(`  try: keel train xor --layers 8 --activation acme/softish --seed 2 --plugin ${plugin} --optimizer adam --lr ${suggested}\n`);
  });
});

describe('keel lr-find suggests only a rate it tested, read off a minimum inside the sweep', () => {
  it('a loss that never fell (10 steps of SGD on XOR): no suggestion below --start, exit code 1, what to change', async () => {
    const result = await keel(['lr-find', 'xor', '--steps', '10', '--optimizer', 'sgd']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).not.toContain('suggested learning rate');
    expect(result.stdout).toContain(
      'no suggestion: the loss never fell below its value at the first rate (1e-6): its minimum is at the start of the sweep, so the sweep shows no rate where it trains; ' +
        'sweep again with more steps (steps 100), or a lower start (start 1e-8) if the loss rose from the first rates on\n',
    );
  });

  it('the lowest loss at the end of a sweep that never diverged: no suggestion, widen it; --json has no suggested field', async () => {
    const result = await keel(['lr-find', 'xor', '--steps', '10', '--start', '1', '--end', '10', '--json']);
    expect(result.code, result.stderr).toBe(1);
    const event = jsonLines(result.stdout).find((e) => e.event === 'lr-find')!;
    expect(event.suggested).toBeUndefined();
    expect(event.note).toBe('the lowest loss is at the last rate (10) of a sweep that never diverged: where the loss turns up lies beyond the sweep, so its minimum says nothing; sweep again with a higher end (end 1000)');
  });
});

describe('keel bench', () => {
  it('runs each engine in its own process and reports epoch time, samples/s, accuracy, peak memory, ratios and matmul GFLOP/s', async () => {
    const result = await keel(['bench', '--workloads', 'mlp', '--engines', 'keel-wasm,tfjs-cpu', '--budget', '3', '--quick', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const events = jsonLines(result.stdout);
    const runs = events.filter((e) => e.event === 'run') as unknown as { engine: string; epoch: { epochSeconds: number; samplesPerSecond: number; testAccuracy: number; fraction: number; peakRssMB: number } }[];
    expect(runs.map((r) => r.engine)).toEqual(['keel-wasm', 'tfjs-cpu']);
    for (const { epoch } of runs) {
      expect(epoch.fraction).toBeGreaterThan(0);
      expect(epoch.fraction).toBeLessThanOrEqual(1);
      expect(epoch.samplesPerSecond).toBeGreaterThan(100);
      expect(epoch.peakRssMB).toBeGreaterThan(100); // MNIST alone is ~200 MB as float32
      // the epoch time is the measured time scaled by the part of the epoch done
      expect(epoch.epochSeconds * epoch.fraction * epoch.samplesPerSecond).toBeGreaterThan(60_000 * epoch.fraction * 0.9);
    }
    // Three seconds of SGD on MNIST is enough to learn a lot, even as part of an epoch.
    expect(runs[0].epoch.testAccuracy).toBeGreaterThan(0.8);
    const matmul = events.filter((e) => e.event === 'matmul') as unknown as { engine: string; gflops: number[] }[];
    expect(matmul.map((m) => m.engine)).toEqual(['keel-wasm', 'tfjs-cpu']);
    for (const m of matmul) {
      expect(m.gflops).toHaveLength(6);
      for (const g of m.gflops) expect(g).toBeGreaterThan(0.05);
    }
    expect(events.at(-1)).toMatchObject({ event: 'done', runs: 2 });
  });

  it('PyTorch runs when a python3 can import torch, and is listed with the reason when not (then nothing was measured: exit 1)', async () => {
    const result = await keel(['bench', '--workloads', 'mlp', '--engines', 'pytorch', '--budget', '2', '--no-matmul', '--json']);
    const run = jsonLines(result.stdout).find((e) => e.event === 'run') as { unavailable?: string; epoch?: { testAccuracy: number; fraction: number } };
    if (run.unavailable !== undefined) {
      expect(run.unavailable).toBe('python3-torch is not installed (apt-get install python3-torch)');
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        'keel: bench: nothing was measured: no engine asked for could run (pytorch: python3-torch is not installed (apt-get install python3-torch)); ' +
          `install what is missing, or pick engines that run here with --engines (choices: ${allEngines().map((e) => e.id).join(', ')})\n`,
      );
    } else {
      expect(result.code, result.stderr).toBe(0);
      expect(run.epoch!.fraction).toBeGreaterThan(0);
      expect(run.epoch!.testAccuracy).toBeGreaterThan(0.8);
    }
  });

  it('a workload or engine named twice is refused (it would run the same measurement twice)', async () => {
    const workloads = await keel(['bench', '--workloads', 'mlp,mlp', '--engines', 'keel-js']);
    expect([workloads.code, workloads.stdout, workloads.stderr]).toEqual([2, '', "keel: --workloads mlp,mlp names 'mlp' twice; give each once: --workloads mlp\n"]);
    const engines = await keel(['bench', '--workloads', 'mlp', '--engines', 'keel-js,tfjs-cpu,keel-js']);
    expect([engines.code, engines.stdout, engines.stderr]).toEqual([2, '', "keel: --engines keel-js,tfjs-cpu,keel-js names 'keel-js' twice; give each once: --engines keel-js,tfjs-cpu\n"]);
  });

  it('an unknown engine names the nearest one', async () => {
    const result = await keel(['bench', '--engines', 'tfjs-wsam']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^keel: --engines: unknown 'tfjs-wsam'; did you mean 'tfjs-wasm'\?/);
  });
});
