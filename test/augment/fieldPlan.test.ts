import { describe, expect, it } from 'vitest';
import { elasticField, elasticFieldJs } from '../../src/augment/index.js';
import { fieldPlan, MULTIRATE_SIGMA } from '../../src/augment/fieldPlan.js';
import { fieldNoiseJs } from '../../src/augment/fieldNoise.js';
import { gaussianBlurJs } from '../../src/augment/reference/gaussianBlur.js';
import { HAVE_SCIPY, maxAbs, maxAbsDiff, scipyBlur } from './helpers.js';
import { kernel, withScope } from '../../src/kernels/memory.js';

if (!HAVE_SCIPY) console.warn('fieldPlan scipy test skipped: python3 with numpy and scipy not found');

/** RMS and max of a - b, relative to b's RMS and max |b|. */
function relErr(a: Float32Array, b: Float32Array): { rms: number; max: number } {
  let se = 0;
  let ss = 0;
  for (let i = 0; i < a.length; i++) {
    se += (a[i]! - b[i]!) ** 2;
    ss += b[i]! ** 2;
  }
  return { rms: Math.sqrt(se / ss), max: maxAbsDiff(a, b) / maxAbs(b) };
}

describe('augment/fieldPlan', () => {
  it('picks the row rate from sigma and the height', () => {
    expect(fieldPlan(512, 12).k).toBe(4);
    expect(fieldPlan(512, MULTIRATE_SIGMA[4]).k).toBe(4);
    expect(fieldPlan(512, 7.9).k).toBe(2);
    expect(fieldPlan(512, MULTIRATE_SIGMA[2]).k).toBe(2);
    expect(fieldPlan(512, 3.9).k).toBe(1);
    expect(fieldPlan(90, 12).k).toBe(2); // 90 is not a multiple of 4
    expect(fieldPlan(60, 12).k).toBe(2); // 15 coarse rows at k = 4 are too few
    expect(fieldPlan(31, 12).k).toBe(1);
    expect(fieldPlan(30, 12).k).toBe(1);
  });

  it('has a unit-sum B-spline prefilter and Lagrange weights exact on cubics', () => {
    for (const k of [2, 4] as const) {
      const plan = fieldPlan(k === 4 ? 256 : 126, 20);
      expect(plan.k).toBe(k);
      expect(plan.taps.length).toBe(3 * k - 2);
      expect(plan.taps.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14);
      // Box * box * box: 1 3 3 1 / 8 for k = 2.
      if (k === 2) expect(Array.from(plan.taps)).toEqual([1 / 8, 3 / 8, 3 / 8, 1 / 8]);
      // Coarse sigma: the B-spline's variance (k^2 - 1) / 4 comes off.
      const want = Math.sqrt(400 - (k * k - 1) / 4) / k;
      expect(plan.coarse.settle).toBe(Math.ceil((Math.log(1e7) * want) / 1.723) + 4);
      const cubic = (u: number) => 0.3 * u ** 3 - u * u + 2 * u - 5;
      for (let r = 0; r < k; r++) {
        const u = (r - (k - 1) / 2) / k; // fine row k m + r, with m = 0
        const j0 = Math.floor(u);
        let s = 0;
        for (let t = 0; t < 4; t++) s += plan.weights[4 * r + t]! * cubic(j0 - 1 + t);
        expect(s).toBeCloseTo(cubic(u), 12);
      }
    }
  });

  it('stays within 0.5 % RMS of the full-rate field for every sigma it is used at', () => {
    const [w, h] = [200, 512];
    for (const sigma of [4, 5.5, 7.9, 8, 10, 12, 15, 25]) {
      const seed = 11;
      const f = elasticField(w, h, { alpha: 1, sigma, seed });
      expect(fieldPlan(h, sigma).k).toBeGreaterThan(1);
      const full = gaussianBlurJs(fieldNoiseJs(seed, 0, w * h), w, h, sigma);
      const e = relErr(f.dx, full);
      expect(e.rms, `sigma ${sigma}`).toBeLessThan(0.005);
      expect(e.max, `sigma ${sigma}`).toBeLessThan(0.0075);
    }
  });

  it.skipIf(!HAVE_SCIPY)(
    'is as close to scipy.ndimage.gaussian_filter as the full-rate blur (512², sigma 10 and 15)',
    () => {
      for (const sigma of [10, 15]) {
        const n = fieldNoiseJs(3, 1, 512 * 512);
        const [exact] = scipyBlur(n, 512, 512, [sigma]);
        const mr = relErr(elasticField(512, 512, { alpha: 1, sigma, seed: 3 }).dy, exact!);
        const full = relErr(gaussianBlurJs(n, 512, 512, sigma), exact!);
        expect(mr.rms).toBeLessThan(0.002);
        expect(mr.max).toBeLessThan(0.004);
        expect(mr.rms).toBeLessThan(full.rms + 0.001);
      }
    },
  );

  it('WASM equals the plain-TS reference at both rates, with column tails and minimal heights', () => {
    for (const [w, h, sigma] of [
      [37, 64, 9], // k = 4 with 16 coarse rows, w % 4 = 1
      [130, 32, 5], // k = 2 with 16 coarse rows, w % 4 = 2
      [3, 96, 30], // k = 4, narrower than a vector, sigma beyond both lengths
      [256, 200, 12], // k = 4
    ] as const) {
      const a = elasticField(w, h, { alpha: -40, sigma, seed: h });
      const b = elasticFieldJs(w, h, { alpha: -40, sigma, seed: h });
      const tol = 1e-5 * Math.max(maxAbs(b.dx), maxAbs(b.dy));
      expect(maxAbsDiff(a.dx, b.dx), `${w}x${h}`).toBeLessThan(tol);
      expect(maxAbsDiff(a.dy, b.dy), `${w}x${h}`).toBeLessThan(tol);
    }
  });

  it('the multirate kernel refuses bad arguments with a status instead of trapping', () => {
    type Fn = (...a: number[]) => number;
    const scratchBytes = kernel<Fn>('augFieldScratchBytes');
    expect(scratchBytes(64, 64, 3, 50, 20)).toBe(-1); // k
    expect(scratchBytes(64, 66, 4, 50, 20)).toBe(-1); // k does not divide h
    expect(scratchBytes(64, 6, 4, 50, 20)).toBe(-1); // h < 2k
    expect(scratchBytes(64, 64, 4, -1, 20)).toBe(-1);
    withScope((s) => {
      const [w, h, k] = [64, 64, 4];
      const n = w * h;
      const bytes = scratchBytes(w, h, k, 50, 20);
      expect(bytes).toBeGreaterThan(0);
      const [dx, dy, tmp, sc] = [s.alloc(n * 4), s.alloc(n * 4), s.alloc(n * 4), s.alloc(bytes)];
      const [st, co, mr] = [s.alloc(128), s.alloc(64), s.alloc(128)];
      const run = kernel<Fn>('augElasticFieldMultirate');
      const args = [st, dx, dy, tmp, sc, w, h, k, co, 50, co, 20, mr];
      const bad: [number, number, number][] = [
        [7, 3, -1],
        [6, 66, -1],
        [2, dx, -1], // dx == dy
        [1, 0, -2], // null
        [4, 2 ** 31, -2], // past the end of memory
        [12, 0, -2],
      ];
      for (const [i, v, want] of bad) {
        const a = args.slice();
        a[i] = v;
        expect(run(...a), `arg ${i} = ${v}`).toBe(want);
      }
    });
  });
});
