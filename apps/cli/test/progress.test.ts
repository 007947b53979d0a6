// The progress line fits any terminal width without cutting the numbers people watch.
import { describe, expect, it } from 'vitest';
import { progressLine } from '../src/train/progress.js';

const fields = { head: 'epoch 3/3', done: 938, total: 938, eta: 0, rate: 31_751, loss: 0.012345, accuracy: 0.98125 };

describe('progressLine', () => {
  it.each([120, 80, 72, 60])('at %i columns it fits and keeps ETA, loss and accuracy', (columns) => {
    const line = progressLine({ ...fields, columns });
    expect(line.length).toBeLessThanOrEqual(columns - 1);
    expect(line).toContain('loss 0.0123');
    expect(line).toContain('acc 98.13%');
    expect(line).toContain('ETA');
  });

  it('draws the bar when there is room and drops it before cutting numbers', () => {
    expect(progressLine({ ...fields, columns: 120 })).toMatch(/^epoch 3\/3 \[=+\] 938\/938 {2}ETA/);
    expect(progressLine({ ...fields, columns: 60 })).not.toContain('[');
  });
});
