import { describe, expect, it } from 'vitest';
import { learningRateAt, resolveSchedule, TrainConfigError } from '../../src/train/index.js';
import type { LearningRateSchedule } from '../../src/train/index.js';

describe('learning-rate schedules', () => {
  it('constant by default', () => {
    const s = resolveSchedule(undefined, 1e-3);
    expect(s).toEqual({ type: 'constant' });
    expect([0, 10, 1e6].map((k) => learningRateAt(s, 1e-3, k))).toEqual([1e-3, 1e-3, 1e-3]);
  });

  it('cosine: start, middle, end, then flat at the final rate', () => {
    const s = resolveSchedule({ type: 'cosine', steps: 100 }, 1e-3);
    expect(s).toEqual({ type: 'cosine', steps: 100, finalLearningRate: 1e-5 });
    expect(learningRateAt(s, 1e-3, 0)).toBe(1e-3);
    expect(learningRateAt(s, 1e-3, 50)).toBeCloseTo((1e-3 + 1e-5) / 2, 15);
    // Quarter way: lo + (hi - lo)(1 + cos(π/4))/2.
    expect(learningRateAt(s, 1e-3, 25)).toBeCloseTo(1e-5 + ((1e-3 - 1e-5) * (1 + Math.SQRT1_2)) / 2, 15);
    expect(learningRateAt(s, 1e-3, 100)).toBeCloseTo(1e-5, 15);
    expect(learningRateAt(s, 1e-3, 5000)).toBeCloseTo(1e-5, 15);
    // Never increases.
    let prev = Infinity;
    for (let k = 0; k <= 120; k++) {
      const lr = learningRateAt(s, 1e-3, k);
      expect(lr).toBeLessThanOrEqual(prev);
      prev = lr;
    }
  });

  it('rejects bad schedules with TrainConfigError', () => {
    const bad: unknown[] = [
      { type: 'cosine', steps: 0 },
      { type: 'cosine', steps: 2.5 },
      { type: 'cosine', steps: 10, finalLearningRate: -1 },
      { type: 'cosine', steps: 10, finalLearningRate: 1 },
      { type: 'cosine', steps: 10, finalLearningRate: NaN },
      { type: 'step' },
    ];
    for (const b of bad) {
      expect(() => resolveSchedule(b as LearningRateSchedule, 1e-3)).toThrow(TrainConfigError);
    }
  });
});
