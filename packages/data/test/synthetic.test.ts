import { describe, expect, it } from 'vitest';
import { Rng, blobs, circles, spirals, twoMoons, xor, type PointSet } from '../src/index.js';
import { thrown } from './helpers/idx-writer.js';

const generators: [string, (seed: number) => PointSet][] = [
  ['twoMoons', (seed) => twoMoons({ n: 201, seed })],
  ['spirals', (seed) => spirals({ n: 301, classes: 4, seed })],
  ['circles', (seed) => circles({ n: 200, seed })],
  ['blobs', (seed) => blobs({ n: 150, centers: 5, seed })],
];

function classCounts(set: PointSet): number[] {
  const counts = new Array<number>(set.classes).fill(0);
  for (const label of set.y) counts[label]++;
  return counts;
}

function points(set: PointSet, label: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < set.y.length; i++) if (set.y[i] === label) out.push([set.x[2 * i], set.x[2 * i + 1]]);
  return out;
}

describe.each(generators)('%s', (_, make) => {
  it('is the same for the same seed and differs across seeds', () => {
    const a = make(7);
    const b = make(7);
    const c = make(8);
    expect(a.x).toEqual(b.x);
    expect(a.y).toEqual(b.y);
    expect(a.x).not.toEqual(c.x);
  });

  it('has n finite points, labels below classes and balanced classes', () => {
    const set = make(1);
    const [n, features] = set.shape;
    expect(features).toBe(2);
    expect(set.x.length).toBe(2 * n);
    expect(set.y.length).toBe(n);
    expect(set.x.every(Number.isFinite)).toBe(true);
    const counts = classCounts(set);
    expect(counts.reduce((a, b) => a + b)).toBe(n);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });

  it('is shuffled: the first 20 points already mix the classes', () => {
    const set = make(3);
    expect(new Set(set.y.subarray(0, 20)).size).toBeGreaterThan(1);
  });
});

describe('xor', () => {
  it('is the four corners labelled by exclusive or', () => {
    const set = xor();
    expect(set.shape).toEqual([4, 2]);
    expect(set.classes).toBe(2);
    for (let i = 0; i < 4; i++) expect(set.y[i]).toBe(set.x[2 * i] !== set.x[2 * i + 1] ? 1 : 0);
    expect(Array.from(set.x)).toEqual([0, 0, 0, 1, 1, 0, 1, 1]);
  });
});

describe('shapes without noise', () => {
  it('twoMoons puts class 0 on the upper unit half circle and class 1 on the lower one at (1, 0.5)', () => {
    const set = twoMoons({ n: 100, noise: 0 });
    for (const [x, y] of points(set, 0)) {
      expect(Math.hypot(x, y)).toBeCloseTo(1, 5);
      expect(y).toBeGreaterThanOrEqual(-1e-6);
    }
    for (const [x, y] of points(set, 1)) {
      expect(Math.hypot(x - 1, y - 0.5)).toBeCloseTo(1, 5);
      expect(y).toBeLessThanOrEqual(0.5 + 1e-6);
    }
  });

  it('circles puts the classes on radius 1 and radius factor', () => {
    const set = circles({ n: 60, noise: 0, factor: 0.3 });
    for (const [x, y] of points(set, 0)) expect(Math.hypot(x, y)).toBeCloseTo(1, 5);
    for (const [x, y] of points(set, 1)) expect(Math.hypot(x, y)).toBeCloseTo(0.3, 5);
  });

  it('spirals puts arm k at angle 2πk/classes + 4r', () => {
    const classes = 3;
    const set = spirals({ n: 90, classes, noise: 0 });
    for (let k = 0; k < classes; k++) {
      for (const [x, y] of points(set, k)) {
        const r = Math.hypot(x, y);
        expect(r).toBeLessThan(1);
        if (r < 1e-3) continue;
        const expected = (2 * Math.PI * k) / classes + 4 * r;
        const diff = Math.atan2(x, y) - expected;
        expect(Math.abs(Math.atan2(Math.sin(diff), Math.cos(diff)))).toBeLessThan(1e-4);
      }
    }
  });

  it('noise scatters points off the curve by about its standard deviation', () => {
    const set = circles({ n: 2000, noise: 0.1, factor: 0.5, seed: 4 });
    const offsets = points(set, 0).map(([x, y]) => Math.hypot(x, y) - 1);
    const rms = Math.sqrt(offsets.reduce((a, b) => a + b * b, 0) / offsets.length);
    expect(rms).toBeGreaterThan(0.08);
    expect(rms).toBeLessThan(0.12);
  });
});

describe('blobs', () => {
  it('centres each class on its centre', () => {
    const set = blobs({ n: 3000, centers: [[-5, 0], [5, 5], [0, -8]], std: 0.5, seed: 2 });
    expect(set.classes).toBe(3);
    expect(set.centers).toEqual([[-5, 0], [5, 5], [0, -8]]);
    set.centers.forEach(([cx, cy], k) => {
      const pts = points(set, k);
      const mx = pts.reduce((a, [x]) => a + x, 0) / pts.length;
      const my = pts.reduce((a, [, y]) => a + y, 0) / pts.length;
      expect(Math.abs(mx - cx)).toBeLessThan(0.05);
      expect(Math.abs(my - cy)).toBeLessThan(0.05);
    });
  });

  it('draws random centres in [-10, 10] from the seed', () => {
    const a = blobs({ centers: 4, seed: 9 });
    expect(a.centers).toHaveLength(4);
    expect(a.centers.flat().every((v) => v >= -10 && v < 10)).toBe(true);
    expect(blobs({ centers: 4, seed: 9 }).centers).toEqual(a.centers);
    expect(blobs({ centers: 4, seed: 10 }).centers).not.toEqual(a.centers);
  });
});

describe('option checks', () => {
  it('explains bad options', () => {
    expect(thrown(() => twoMoons({ n: 1 })).message).toBe('n must be an integer at least 2, got 1');
    expect(thrown(() => circles({ factor: 1.5 })).message).toBe('factor must be between 0 and 1 (exclusive), got 1.5');
    expect(thrown(() => spirals({ noise: -1 })).message).toBe('noise must be a number >= 0, got -1');
    expect(thrown(() => spirals({ classes: 300 })).message).toBe('classes must be an integer from 2 to 256, got 300');
    expect(thrown(() => blobs({ seed: 1.5 })).message).toBe('seed must be an integer, got 1.5');
    expect(thrown(() => twoMoons({ n: '10' as unknown as number })).message).toBe("n must be an integer at least 2, got '10'");
  });
});

describe('Rng', () => {
  it('repeats its sequence for a seed', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const first = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(first);
    expect(new Rng(43).next()).not.toBe(first[0]);
  });

  it('gives uniforms in [0, 1) and standard normals', () => {
    const rng = new Rng(1);
    const u = Array.from({ length: 20000 }, () => rng.next());
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(u.reduce((a, b) => a + b) / u.length).toBeCloseTo(0.5, 1);
    const z = Array.from({ length: 20000 }, () => rng.normal());
    const mean = z.reduce((a, b) => a + b) / z.length;
    const variance = z.reduce((a, b) => a + (b - mean) ** 2, 0) / z.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    expect(z.filter((v) => Math.abs(v) < 1).length / z.length).toBeCloseTo(0.6827, 1);
  });

  it('makes permutations', () => {
    const order = Array.from(new Rng(5).permutation(50));
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(order).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
