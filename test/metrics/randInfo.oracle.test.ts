// Compares V_rand / V_info with the scipy transcription of the ISBI organisers' reference (oracle.ts).
import { describe, expect, it } from 'vitest';
import { syntheticEM } from '../../src/data/index.js';
import { segmentationScores } from '../../src/metrics/index.js';
import { Rng } from '../../src/random/index.js';
import { noPython, oracleScores } from './oracle.js';

describe.skipIf(noPython)('V_rand / V_info against the scipy oracle', () => {
  it('agrees on perturbed synthetic segmentations', () => {
    const w = 80;
    const h = 72;
    const em = syntheticEM({ count: 6, width: w, height: h, seed: 5, cellSize: 20 });
    const rng = new Rng(9);
    const cases: { w: number; h: number; truth: number[]; pred: number[] }[] = [];
    for (let k = 0; k < em.count; k++) {
      const truth: number[] = Array.from(em.labels.subarray(k * w * h, (k + 1) * w * h), (v) => (v ? 1 : 0));
      const pred = truth.slice();
      // Perturb: erase membrane stretches (merges), draw random membrane strokes (splits), flip noise.
      for (let s = 0; s < 6 + k; s++) {
        const horizontal = rng.chance(0.5);
        const x0 = rng.int(w);
        const y0 = rng.int(h);
        const len = 5 + rng.int(25);
        const value = rng.chance(0.5) ? 0 : 1;
        for (let i = 0; i < len; i++) {
          const x = horizontal ? x0 + i : x0;
          const y = horizontal ? y0 : y0 + i;
          if (x < w && y < h) pred[y * w + x] = value;
        }
      }
      for (let i = 0; i < pred.length; i++) if (rng.chance(0.02)) pred[i] = 1 - pred[i]!;
      cases.push({ w, h, truth, pred });
    }
    const want = oracleScores(cases);
    const spread: number[] = [];
    cases.forEach((c, k) => {
      const got = segmentationScores(Uint8Array.from(c.pred), Uint8Array.from(c.truth), c.w, c.h);
      expect(got.vRand).toBeCloseTo(want[k]!.vRand, 9);
      expect(got.vInfo).toBeCloseTo(want[k]!.vInfo, 9);
      spread.push(got.vRand);
    });
    // The cases are not all trivial.
    expect(Math.min(...spread)).toBeLessThan(0.95);
  });
});
