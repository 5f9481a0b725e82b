import { describe, expect, it } from 'vitest';
import { Rng, mixSeed } from '../../src/random/index.js';

describe('random/Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextU32()
      )(new Rng(42)),
    );
    const b = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextU32()
      )(new Rng(42)),
    );
    const c = Array.from(
      { length: 5 },
      (
        (r) => () =>
          r.nextU32()
      )(new Rng(43)),
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('resumes exactly from a saved state', () => {
    const r = new Rng(7);
    for (let i = 0; i < 100; i++) r.next();
    const copy = new Rng(r.getState());
    expect(Array.from({ length: 10 }, () => copy.next())).toEqual(Array.from({ length: 10 }, () => r.next()));
  });

  it('is roughly uniform and normal', () => {
    const r = new Rng(1);
    const n = 200_000;
    let sum = 0;
    let sumN = 0;
    let sumN2 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
      const z = r.normal();
      sumN += z;
      sumN2 += z * z;
    }
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sumN / n)).toBeLessThan(0.01);
    expect(Math.abs(sumN2 / n - 1)).toBeLessThan(0.02);
  });

  it('mixSeed separates streams', () => {
    expect(mixSeed(1, 2)).not.toBe(mixSeed(2, 1));
    expect(mixSeed(1, 2)).toBe(mixSeed(1, 2));
  });

  it('rejects a non-finite seed', () => {
    expect(() => new Rng(NaN)).toThrow(TypeError);
  });
});
