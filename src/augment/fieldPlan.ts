// How an elastic field is computed: at the full row rate, or at a coarse one. A field blurred with
// a large sigma has almost no detail at short wavelengths, so its vertical blur can run on every
// k-th row: prefilter the noise rows with a quadratic B-spline over k rows (its variance
// (k² - 1) / 4 comes off the Gaussian's), decimate by k, blur the coarse rows with the remaining
// sigma, and interpolate back with 4-point Lagrange weights. The horizontal blur runs on h / k rows
// instead of h. Measured against the full-rate field: see test/augment/fieldPlan.test.ts.
import { dericheCoefficients, type DericheCoefficients } from './deriche.js';

/** The factor k and what the kernels need for it. */
export interface FieldPlan {
  /** Row decimation factor: 1 (full rate), 2 or 4. */
  k: 1 | 2 | 4;
  /** Deriche coefficients at sigma: the horizontal pass (and the vertical one when k = 1). */
  fine: DericheCoefficients;
  /** Deriche coefficients of the coarse vertical pass, sqrt(sigma² - (k² - 1) / 4) / k (k > 1). */
  coarse: DericheCoefficients;
  /** The prefilter's 3k - 2 taps (sum 1); coarse row j covers noise rows k j - k + 1 .. k j + 2k - 2. */
  taps: Float64Array;
  /** 4 interpolation weights per phase r < k (fine row k m + r), alpha not included. */
  weights: Float64Array;
}

/** Smallest sigma run with k = 4 and with k = 2 (below: full rate); see fieldPlan.test.ts. */
export const MULTIRATE_SIGMA = { 4: 8, 2: 4 } as const;
/** Fewest coarse rows a multirate field may have. */
const MIN_COARSE_ROWS = 16;

/** The prefilter: a box of k taps convolved with itself twice, normalised. */
function bsplineTaps(k: number): Float64Array {
  let f = [1];
  for (let p = 0; p < 3; p++) {
    const g = new Array<number>(f.length + k - 1).fill(0);
    f.forEach((v, i) => {
      for (let j = 0; j < k; j++) g[i + j]! += v;
    });
    f = g;
  }
  return Float64Array.from(f, (v) => v / k ** 3);
}

/** Lagrange weights of nodes -1, 0, 1, 2 at t in [0, 1). */
function lagrange(t: number): number[] {
  return [
    (-t * (t - 1) * (t - 2)) / 6,
    ((t + 1) * (t - 1) * (t - 2)) / 2,
    (-(t + 1) * t * (t - 2)) / 2,
    ((t + 1) * t * (t - 1)) / 6,
  ];
}

/** Plan for a field of `height` rows blurred with sigma (> 0). */
export function fieldPlan(height: number, sigma: number): FieldPlan {
  const fine = dericheCoefficients(sigma);
  let k: FieldPlan['k'] = 1;
  for (const f of [4, 2] as const) {
    if (sigma >= MULTIRATE_SIGMA[f] && height % f === 0 && height / f >= MIN_COARSE_ROWS) {
      k = f;
      break;
    }
  }
  if (k === 1)
    return { k, fine, coarse: fine, taps: Float64Array.of(1), weights: Float64Array.of(0, 1, 0, 0) };
  const coarse = dericheCoefficients(Math.sqrt(sigma * sigma - (k * k - 1) / 4) / k);
  const weights = new Float64Array(4 * k);
  for (let r = 0; r < k; r++) {
    const u = (r - (k - 1) / 2) / k; // coarse position of fine row k m + r, relative to m
    weights.set(lagrange(u - Math.floor(u)), 4 * r);
  }
  return { k, fine, coarse, taps: bsplineTaps(k), weights };
}
