import { describe, expect, it } from 'vitest';
import { gaussianBlur, gaussianBlurJs, AugmentError } from '../../src/augment/index.js';
import { HAVE_SCIPY, HAVE_ISBI, isbiSlice, maxAbs, maxAbsDiff, noise, scipyBlur } from './helpers.js';

if (!HAVE_SCIPY) console.warn('gaussianBlur scipy tests skipped: python3 with numpy and scipy not found');
if (!HAVE_ISBI) console.warn('gaussianBlur ISBI test skipped: ../shared/data/isbi2012 not found');

function rms(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s / a.length);
}

describe('augment/gaussianBlur', () => {
  it('matches the plain-TS reference on random inputs of awkward sizes', () => {
    const sizes: [number, number][] = [
      [64, 48],
      [37, 5],
      [1, 1],
      [3, 130],
      [130, 2],
      [21, 19],
      [8, 9],
    ];
    let seed = 1;
    for (const [w, h] of sizes) {
      const x = noise(seed++, w * h, -1, 1);
      for (const sigma of [0.7, 2, 9, 20]) {
        const want = gaussianBlurJs(x, w, h, sigma);
        const got = gaussianBlur(x, w, h, sigma);
        expect(maxAbsDiff(got, want), `${w}x${h} sigma ${sigma}`).toBeLessThan(
          1e-5 * Math.max(1, maxAbs(want)),
        );
      }
    }
  });

  it('keeps a constant image constant and sigma 0 is a copy', () => {
    const x = new Float32Array(50 * 30).fill(0.75);
    expect(maxAbsDiff(gaussianBlur(x, 50, 30, 12), x)).toBeLessThan(1e-5);
    const y = noise(3, 20 * 20);
    expect(gaussianBlur(y, 20, 20, 0)).toEqual(y);
  });

  it('rejects bad arguments with AugmentError', () => {
    const x = new Float32Array(16);
    expect(() => gaussianBlur(x, 4, 5, 1)).toThrow(AugmentError);
    expect(() => gaussianBlur(x, 4, 4, -1)).toThrow(AugmentError);
    expect(() => gaussianBlur(x, 4, 4, NaN)).toThrow(AugmentError);
    expect(() => gaussianBlur(x, 4, 4, 1e9)).toThrow(AugmentError);
    expect(() => gaussianBlur(new Float64Array(16) as unknown as Float32Array, 4, 4, 1)).toThrow(
      AugmentError,
    );
    expect(() => gaussianBlur(x, 0, 0, 1)).toThrow(AugmentError);
  });

  describe.skipIf(!HAVE_SCIPY)('against scipy.ndimage.gaussian_filter(mode="reflect", truncate=4)', () => {
    const sigmas = [1, 2, 3, 5, 10, 15, 20];
    for (const [lo, hi] of [
      [0, 1],
      [-1, 1],
    ] as const) {
      it(`RMS <= 1 % and max <= 3 % on 512x512 uniform noise in [${lo}, ${hi})`, () => {
        const x = noise(11 + lo, 512 * 512, lo, hi);
        const refs = scipyBlur(x, 512, 512, sigmas);
        sigmas.forEach((sigma, i) => {
          const want = refs[i]!;
          const got = gaussianBlur(x, 512, 512, sigma);
          const diff = got.map((v, j) => v - want[j]!);
          expect(rms(diff) / rms(want), `sigma ${sigma} rms`).toBeLessThan(0.01);
          expect(maxAbs(diff) / maxAbs(want), `sigma ${sigma} max`).toBeLessThan(0.03);
        });
      });
    }

    it('matches scipy on a small odd-sized image with a large sigma (borders everywhere)', () => {
      const x = noise(5, 37 * 11, -1, 1);
      const [want] = scipyBlur(x, 37, 11, [15]);
      const got = gaussianBlur(x, 37, 11, 15);
      const diff = got.map((v, j) => v - want![j]!);
      expect(rms(diff) / rms(want!)).toBeLessThan(0.01);
    });
  });

  it.skipIf(!HAVE_ISBI)('matches the reference on an ISBI slice', () => {
    const { image } = isbiSlice(0);
    for (const sigma of [1, 10]) {
      expect(
        maxAbsDiff(gaussianBlur(image, 512, 512, sigma), gaussianBlurJs(image, 512, 512, sigma)),
      ).toBeLessThan(1e-5);
    }
  });
});
