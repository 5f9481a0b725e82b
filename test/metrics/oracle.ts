// A numpy/scipy transcription of the ISBI 2012 organisers' Python reference for V_rand / V_info
// (thin_boundaries + Rand/VI with α = 0.5, scipy's 4-connected labelling), used as a test oracle.
import { spawnSync } from 'node:child_process';

const probe = spawnSync('python3', ['-c', 'import numpy, scipy.ndimage'], { encoding: 'utf8' });
export const noPython = probe.status !== 0;
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

/** Scores each case with the scipy oracle. Maps are 0 = membrane, non-zero = cell. */
export function oracleScores(
  cases: { w: number; h: number; truth: ArrayLike<number>; pred: ArrayLike<number> }[],
): { vRand: number; vInfo: number }[] {
  const input = JSON.stringify(
    cases.map((c) => ({ w: c.w, h: c.h, truth: Array.from(c.truth), pred: Array.from(c.pred) })),
  );
  const r = spawnSync('python3', ['-c', ORACLE], { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python oracle failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { vRand: number; vInfo: number }[];
}
