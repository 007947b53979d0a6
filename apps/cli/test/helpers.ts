// Runs the built CLI as a subprocess, and writes the files the tests feed it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { decodeSafetensors, encodeSafetensors } from '@keel/train';
import { expect } from 'vitest';
import { CliError } from '../src/errors.js';
import { HANG_TIMEOUT_MS } from '../../../vitest.shared.js';

export const cliDir = fileURLToPath(new URL('..', import.meta.url));
export const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

/** Fails with a clear message when the CLI has not been built. */
export function requireBuiltCli(): void {
  if (!existsSync(bin)) {
    throw new Error(`${bin} is missing: these tests run the built CLI. Build it first: pnpm turbo run build --filter=@keel/cli...`);
  }
}

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  /** Kills the process after this long (a hang guard; default the suite's HANG_TIMEOUT_MS). */
  readonly timeoutMs?: number;
  /** Called with each complete stdout line as it arrives (to send a signal at the right moment). */
  readonly onLine?: (line: string, child: ChildProcess) => void;
}

/** Runs `node dist/bin.js ...args` and collects its output and exit code. */
export function keel(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: options.cwd ?? cliDir, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`keel ${args.join(' ')} timed out after ${options.timeoutMs ?? HANG_TIMEOUT_MS} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, options.timeoutMs ?? HANG_TIMEOUT_MS);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) options.onLine?.(line, child);
    });
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Parses every stdout line as JSON (throws naming the line that is not). */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON line: ${JSON.stringify(line)}`);
      }
    });
}

/** Control characters other than newline (a redrawn bar's \r, escape sequences). */
// eslint-disable-next-line no-control-regex
export const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/** A minimal PNG encoder: 8-bit grayscale, every row with filter 0. */
export function encodeGrayPng(pixels: Uint8Array, width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // color type: grayscale
  const raw = Buffer.alloc(height * (width + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0; // filter: none
    raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}

/** Checks that `svg` is well-formed XML as far as tags go: every element closed, properly nested. */
export function checkWellFormed(svg: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<\?xml[^>]*\?>|<!--[\s\S]*?-->/g;
  let last = 0;
  for (let m = tag.exec(svg); m !== null; m = tag.exec(svg)) {
    const between = svg.slice(last, m.index);
    if (/[<>]/.test(between)) throw new Error(`malformed markup near: ${between.slice(0, 80)}`);
    if (/&(?!amp;|lt;|gt;|quot;|apos;|#\d+;)/.test(between)) throw new Error(`unescaped & near: ${between.slice(0, 80)}`);
    last = tag.lastIndex;
    if (m[2] === undefined) continue;
    if (m[1] === '/') {
      const open = stack.pop();
      if (open !== m[2]) throw new Error(`</${m[2]}> closes <${open ?? 'nothing'}>`);
    } else if (m[4] !== '/') stack.push(m[2]);
  }
  if (/[<>]/.test(svg.slice(last))) throw new Error('malformed markup at the end');
  if (stack.length > 0) throw new Error(`unclosed: ${stack.join(', ')}`);
}

/** An IDX file of uint8 values with the given dimensions (as MNIST ships them). */
export function encodeIdx(data: Uint8Array, dims: readonly number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08; // uint8
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

/** The one `keel: ...` line of a failed command (exit 1, no stack trace). */
export function oneErrorLine(result: RunResult): string {
  expect(result.code, result.stdout + result.stderr).toBe(1);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^keel: /);
  return lines[0];
}

/** An 8x8 picture of class 0 (bright left half) or 1 (bright right half); `i` varies it. */
export function halfImage(label: number, i: number): Uint8Array {
  return Uint8Array.from({ length: 64 }, (_, p) => ((p % 8 < 4) === (label === 0) ? 200 + (i % 50) : (i * 7) % 30));
}

/** Writes a tiny two-class IDX image set of `halfImage`s (64 train, 16 test) into the new directory `dir`. */
export function writeHalvesSet(dir: string): void {
  mkdirSync(dir);
  const set = (n: number): { images: Uint8Array; labels: Uint8Array } => {
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 2);
    const images = new Uint8Array(n * 64);
    labels.forEach((label, i) => images.set(halfImage(label, i), i * 64));
    return { images, labels };
  };
  const train = set(64);
  const test = set(16);
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), encodeIdx(train.images, [64, 8, 8]));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), encodeIdx(train.labels, [64]));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), encodeIdx(test.images, [16, 8, 8]));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx(test.labels, [16]));
}

/** Rewrites the tensors of a saved model's weights (or optimizer) file, the one its model.json names; returns that file's name. */
export function editSavedTensors(dir: string, which: 'weights' | 'optimizer', edit: (tensors: Map<string, { values: Float32Array | Float64Array }>) => void): string {
  const doc = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { weights: string; optimizer?: { state: string } };
  const file = which === 'weights' ? doc.weights : doc.optimizer!.state;
  const decoded = decodeSafetensors(readFileSync(join(dir, file)));
  edit(decoded.tensors);
  writeFileSync(join(dir, file), encodeSafetensors(decoded.tensors, decoded.metadata));
  return file;
}

/** The message of the usage error (exit code 2) that `fn` throws. */
export function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
}
