import { describe, expect, it } from 'vitest';
import { elasticField, elasticFieldJs, AugmentError } from '../../src/augment/index.js';
import { maxAbs, maxAbsDiff } from './helpers.js';

describe('augment/elasticField', () => {
  it('matches the plain-TS reference (same noise stream, same blur)', () => {
    for (const [w, h, sigma, alpha] of [
      [64, 64, 10, 200],
      [37, 23, 4, -30],
      [5, 90, 15, 300],
    ] as const) {
      const a = elasticField(w, h, { alpha, sigma, seed: w });
      const b = elasticFieldJs(w, h, { alpha, sigma, seed: w });
      const tol = 1e-5 * Math.max(maxAbs(b.dx), maxAbs(b.dy));
      expect(maxAbsDiff(a.dx, b.dx)).toBeLessThan(tol);
      expect(maxAbsDiff(a.dy, b.dy)).toBeLessThan(tol);
    }
  });

  it('is deterministic per seed, differs across seeds, and has the expected spread', () => {
    const a = elasticField(128, 128, { alpha: 100, sigma: 8, seed: 3 });
    expect(elasticField(128, 128, { alpha: 100, sigma: 8, seed: 3 })).toEqual(a);
    const b = elasticField(128, 128, { alpha: 100, sigma: 8, seed: 4 });
    expect(maxAbsDiff(a.dx, b.dx)).toBeGreaterThan(0.1);
    expect(maxAbsDiff(a.dx, a.dy)).toBeGreaterThan(0.1);
    // Var(uniform[-1,1]) = 1/3; a 2-D Gaussian of sigma s keeps 1 / (4 pi s^2) of white-noise variance.
    const want = (100 * Math.sqrt(1 / 3)) / (2 * Math.sqrt(Math.PI) * 8);
    let ss = 0;
    for (const v of a.dx) ss += v * v;
    const std = Math.sqrt(ss / a.dx.length);
    expect(std).toBeGreaterThan(0.6 * want);
    expect(std).toBeLessThan(1.5 * want);
  });

  it('rejects bad options with AugmentError', () => {
    expect(() => elasticField(0, 5, { alpha: 1, sigma: 1, seed: 1 })).toThrow(AugmentError);
    expect(() => elasticField(5, 5, { alpha: NaN, sigma: 1, seed: 1 })).toThrow(AugmentError);
    expect(() => elasticField(5, 5, { alpha: 1, sigma: -1, seed: 1 })).toThrow(AugmentError);
    expect(() => elasticField(5, 5, { alpha: 1, sigma: 1, seed: Infinity })).toThrow(AugmentError);
  });

  it('writes into `out` when given, with the same field as new arrays', () => {
    const w = 45;
    const h = 31;
    for (const sigma of [0, 3]) {
      const o = { alpha: 7, sigma, seed: 12 };
      const want = elasticField(w, h, o);
      const out = { dx: new Float32Array(w * h), dy: new Float32Array(w * h) };
      const got = elasticField(w, h, { ...o, out });
      expect(got.dx).toBe(out.dx);
      expect(got.dy).toBe(out.dy);
      expect(got.dx).toEqual(want.dx);
      expect(got.dy).toEqual(want.dy);
      const js = { dx: new Float32Array(w * h), dy: new Float32Array(w * h) };
      expect(elasticFieldJs(w, h, { ...o, out: js }).dx).toBe(js.dx);
      expect(js.dy).toEqual(elasticFieldJs(w, h, o).dy);
    }
    const shared = new Float32Array(2 * w * h);
    const halves = { dx: shared.subarray(0, w * h), dy: shared.subarray(w * h) };
    expect(elasticField(w, h, { alpha: 1, sigma: 2, seed: 1, out: halves }).dy).toBe(halves.dy);
    const overlap = { dx: shared.subarray(0, w * h), dy: shared.subarray(1, w * h + 1) };
    expect(() => elasticField(w, h, { alpha: 1, sigma: 2, seed: 1, out: overlap })).toThrow(/overlap/);
    const short = { dx: new Float32Array(w * h), dy: new Float32Array(3) };
    expect(() => elasticField(w, h, { alpha: 1, sigma: 2, seed: 1, out: short })).toThrow(AugmentError);
  });
});
