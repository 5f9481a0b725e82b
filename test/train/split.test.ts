import { describe, expect, it } from 'vitest';
import { batchSeed, epochOrder, splitSlices, stepIndices, TrainConfigError } from '../../src/train/index.js';

describe('splitSlices', () => {
  it('takes the last 10 % by default, like the seed (ISBI: 27 train, 3 validation)', () => {
    const s = splitSlices(30);
    expect(s.validation).toEqual([27, 28, 29]);
    expect(s.train).toEqual(Array.from({ length: 27 }, (_, i) => i));
  });

  it('keeps at least one validation slice for a positive fraction, none for 0', () => {
    expect(splitSlices(4, 0.1).validation).toEqual([3]);
    expect(splitSlices(4, 0).validation).toEqual([]);
    expect(splitSlices(1, 0.1)).toEqual({ train: [0], validation: [] });
  });

  it('takes explicit indices', () => {
    expect(splitSlices(5, [0, 2, 2])).toEqual({ train: [1, 3, 4], validation: [0, 2] });
  });

  it('rejects impossible splits', () => {
    expect(() => splitSlices(3, 1)).toThrow(TrainConfigError);
    expect(() => splitSlices(3, [3])).toThrow(/outside/);
    expect(() => splitSlices(2, [0, 1])).toThrow(/no training slices/);
  });
});

describe('batch schedule', () => {
  it('visits every training slice once per epoch in a seeded order', () => {
    const train = [0, 1, 2, 3, 4, 5];
    const { order } = epochOrder(train, 3, 0);
    expect([...order].sort()).toEqual(train);
    expect(epochOrder(train, 3, 0).order).toEqual(order);
    expect(epochOrder(train, 3, 1).order).not.toEqual(order);
    expect([0, 1, 2].flatMap((s) => stepIndices(order, s, 2)).sort()).toEqual(train);
    expect(stepIndices(order, 3, 2)).toEqual(order.slice(0, 2));
  });

  it('gives every (epoch, step) its own batch seed', () => {
    const seeds = new Set<number>();
    for (let e = 0; e < 10; e++) for (let s = 0; s < 100; s++) seeds.add(batchSeed(1, e, s));
    expect(seeds.size).toBe(1000);
  });
});
