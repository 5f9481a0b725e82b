import { describe, expect, it } from 'vitest';
import {
  adjustIntensity,
  adjustIntensityJs,
  addGaussianNoise,
  addGaussianNoiseJs,
  AugmentError,
} from '../../src/augment/index.js';
import { maxAbsDiff, noise } from './helpers.js';
import { powPosJs } from '../../src/augment/reference/pow.js';

describe('augment/intensity', () => {
  it('adjustIntensity matches the reference and does what it says', () => {
    const x = noise(1, 1001);
    for (const o of [
      { brightness: 0.1, contrast: 1.3 },
      { brightness: -0.2, contrast: 0.7, gamma: 1.4 },
      { contrast: 2, pivot: 0.5 },
    ]) {
      expect(maxAbsDiff(adjustIntensity(x, o), adjustIntensityJs(x, o))).toBeLessThan(1e-6);
    }
    const b = adjustIntensity(x, { brightness: 0.25 });
    expect(
      maxAbsDiff(
        b,
        x.map((v) => v + 0.25),
      ),
    ).toBeLessThan(1e-6);
    const c = adjustIntensity(x, { contrast: 2, pivot: 0.5 });
    expect(
      maxAbsDiff(
        c,
        x.map((v) => (v - 0.5) * 2 + 0.5),
      ),
    ).toBeLessThan(1e-6);
    const g = adjustIntensity(x, { gamma: 2, contrast: 1 });
    expect(
      maxAbsDiff(
        g,
        x.map((v) => v * v),
      ),
    ).toBeLessThan(1e-6);
    expect(adjustIntensity(x, {})).toEqual(x);
  });

  it('gamma equals its scalar mirror bit for bit and Math.pow to 5e-6 relative', () => {
    const x = Float32Array.from(noise(2, 20_000), (v, i) =>
      i % 3 === 0 ? v * 1e-6 : i % 3 === 1 ? v * 30 : v,
    );
    x[0] = 0;
    x[1] = -0.5;
    x[2] = NaN;
    x[3] = 1e-40;
    for (const gamma of [0.5, 0.8, 1.25, 2.2, 3]) {
      const got = adjustIntensity(x, { gamma, pivot: 0 });
      expect(got).toEqual(x.map((v) => powPosJs(v, gamma)));
      let worst = 0;
      for (let i = 4; i < x.length; i++) {
        const want = Math.pow(x[i]!, Math.fround(gamma));
        worst = Math.max(worst, Math.abs(got[i]! - want) / (want + 1e-30));
      }
      expect(worst).toBeLessThan(5e-6);
      expect(Array.from(got.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    }
  });

  it('addGaussianNoise matches the reference, is seeded and has the right std', () => {
    const x = new Float32Array(100_001).fill(0.5);
    const a = addGaussianNoise(x, { std: 0.1, seed: 7 });
    expect(a).toEqual(addGaussianNoiseJs(x, { std: 0.1, seed: 7 }));
    const odd = noise(3, 13);
    expect(addGaussianNoise(odd, { std: 2, seed: 1 })).toEqual(addGaussianNoiseJs(odd, { std: 2, seed: 1 }));
    expect(addGaussianNoise(x, { std: 0.1, seed: 7 })).toEqual(a);
    expect(maxAbsDiff(addGaussianNoise(x, { std: 0.1, seed: 8 }), a)).toBeGreaterThan(0.1);
    let s = 0;
    let ss = 0;
    for (const v of a) {
      s += v - 0.5;
      ss += (v - 0.5) ** 2;
    }
    expect(Math.abs(s / a.length)).toBeLessThan(0.002);
    expect(Math.sqrt(ss / a.length)).toBeCloseTo(0.1, 2);
    // Gaussian shape: the 1- and 2-sigma masses.
    const within = (k: number) => a.filter((v) => Math.abs(v - 0.5) < k * 0.1).length / a.length;
    expect(within(1)).toBeCloseTo(0.6827, 2);
    expect(within(2)).toBeCloseTo(0.9545, 2);
    expect(addGaussianNoise(x, { std: 0, seed: 1 })).toEqual(x);
  });

  it('rejects bad options with AugmentError', () => {
    const x = new Float32Array(4);
    expect(() => adjustIntensity(x, { gamma: 0 })).toThrow(AugmentError);
    expect(() => adjustIntensity(x, { contrast: NaN })).toThrow(AugmentError);
    expect(() => adjustIntensity(new Uint8Array(4) as unknown as Float32Array)).toThrow(AugmentError);
    expect(() => addGaussianNoise(x, { std: -1, seed: 1 })).toThrow(AugmentError);
    expect(() => addGaussianNoise(x, { std: 1, seed: NaN })).toThrow(AugmentError);
  });
});
