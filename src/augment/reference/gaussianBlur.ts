// Plain-TypeScript Gaussian blur with the same algorithm as the WASM kernel (Deriche 4th order,
// exact reflect borders), one line at a time in f64. Oracle for tests, baseline for benchmarks.
import { dericheCoefficients, paddedLength, type DericheCoefficients } from '../deriche.js';

export function reflect(i: number, n: number): number {
  if (i >= 0) {
    if (i < n) return i;
    if (i < 2 * n) return 2 * n - 1 - i;
  } else if (i >= -n) return -1 - i;
  const p = 2 * n;
  let m = i % p;
  if (m < 0) m += p;
  return m >= n ? p - 1 - m : m;
}

/** Filters line x (length m >= 4) into y; see assembly/augment/blur.ts for the three passes. */
export function filterLine(x: Float64Array, y: Float64Array, m: number, k: DericheCoefficients): void {
  y.fill(0, 0, m);
  for (const s of k.sections) {
    const { b0, b1, c1, c2, a1, a2 } = s;
    const ss = x[0]! * s.gain;
    let p1 = ss,
      p2 = ss,
      xm1 = x[0]!;
    for (let i = 0; i < m; i++) {
      const xi = x[i]!;
      const v = b0 * xi + b1 * xm1 - a2 * p2 - a1 * p1;
      y[i] = y[i]! + v;
      xm1 = xi;
      p2 = p1;
      p1 = v;
    }
    let xp1 = x[m - 1]!,
      xp2 = x[m - 2]!;
    let q1 = p1 - b0 * xp1,
      q2 = p2 - b0 * xp2;
    for (let i = m - 1; i >= 0; i--) {
      const v = c1 * xp1 + c2 * xp2 - a2 * q2 - a1 * q1;
      y[i] = y[i]! + v;
      xp2 = xp1;
      xp1 = x[i]!;
      q2 = q1;
      q1 = v;
    }
    let d1 = q1 + b0 * x[0]! - ss,
      d2 = q2 + b0 * x[1]! - ss;
    const end = Math.min(k.settle, m);
    for (let i = 0; i < end; i++) {
      const v = -(a2 * d2 + a1 * d1);
      y[i] = y[i]! + v;
      d2 = d1;
      d1 = v;
    }
  }
}

/** Reference gaussianBlur (same contract as `gaussianBlur`, no validation). */
export function gaussianBlurJs(
  src: Float32Array,
  width: number,
  height: number,
  sigma: number,
): Float32Array {
  const out = new Float32Array(width * height);
  if (sigma === 0) {
    out.set(src.subarray(0, width * height));
    return out;
  }
  const k = dericheCoefficients(sigma);
  const mw = paddedLength(width, k.settle);
  const mh = paddedLength(height, k.settle);
  const m = Math.max(mw, mh);
  const x = new Float64Array(m);
  const y = new Float64Array(m);
  const tmp = new Float32Array(width * height);
  for (let r = 0; r < height; r++) {
    const o = r * width;
    for (let i = 0; i < mw; i++) x[i] = src[o + reflect(i, width)]!;
    filterLine(x, y, mw, k);
    for (let i = 0; i < width; i++) tmp[o + i] = y[i]!;
  }
  for (let c = 0; c < width; c++) {
    for (let i = 0; i < mh; i++) x[i] = tmp[reflect(i, height) * width + c]!;
    filterLine(x, y, mh, k);
    for (let i = 0; i < height; i++) out[i * width + c] = y[i]!;
  }
  return out;
}
