// Compares V_rand / V_info with a numpy/scipy transcription of the ISBI organisers' Python
// reference (thin_boundaries + Rand/VI with α = 0.5), using scipy's 4-connected labelling.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { syntheticEM } from '../../src/data/index.js';
import { segmentationScores } from '../../src/metrics/index.js';
import { Rng } from '../../src/random/index.js';

const probe = spawnSync('python3', ['-c', 'import numpy, scipy.ndimage'], { encoding: 'utf8' });
const noPython = probe.status !== 0;
if (noPython)
  console.warn('skipping the scipy oracle for V_rand/V_info: python3 with numpy and scipy is not available');

const ORACLE = `
import json, sys
import numpy as np
from scipy import ndimage
def thin(im, mask):
    im = im.copy()
    if im.max() == 0:
        im[:] = 1
        return im
    while (im[mask] == 0).sum() > 0:
        zeros = im == 0
        im[zeros] = ndimage.maximum_filter(im, 3)[zeros]
    return im
def frac(a):
    _, c = np.unique(a, return_counts=True)
    return c / c.sum()
out = []
for case in json.load(sys.stdin):
    w, h = case['w'], case['h']
    truth = np.array(case['truth'], dtype=np.int64).reshape(h, w)
    pred = np.array(case['pred'], dtype=np.int64).reshape(h, w)
    gt, _ = ndimage.label(truth != 0)
    seg, _ = ndimage.label(pred != 0)
    mask = gt > 0
    seg = thin(seg, mask)
    g = gt[mask]; s = seg[mask]
    pair = frac(g * (s.max() + 1) + s); pg = frac(g); ps = frac(s)
    rand = np.sum(pair ** 2) / (0.5 * np.sum(pg ** 2) + 0.5 * np.sum(ps ** 2))
    H = lambda p: -np.sum(p * np.log(p))
    mi = H(pg) + H(ps) - H(pair)
    den = 0.5 * H(pg) + 0.5 * H(ps)
    out.append({'vRand': float(rand), 'vInfo': float(mi / den) if den > 1e-12 else 1.0})
print(json.dumps(out))
`;

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
    const r = spawnSync('python3', ['-c', ORACLE], {
      input: JSON.stringify(cases),
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    expect(r.status, r.stderr).toBe(0);
    const want = JSON.parse(r.stdout) as { vRand: number; vInfo: number }[];
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
