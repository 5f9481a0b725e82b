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

/**
 * Blurs, in place, `count` lines of `n` samples of v (sample i of line l at l * a + i * b) with the
 * reflected line lengthened to the settle length; each line is read whole before it is written.
 */
export function blurLines(
  v: Float32Array | Float64Array,
  n: number,
  count: number,
  a: number,
  b: number,
  k: DericheCoefficients,
): void {
  const m = paddedLength(n, k.settle);
  const x = new Float64Array(m);
  const y = new Float64Array(m);
  for (let line = 0; line < count; line++) {
    for (let i = 0; i < m; i++) x[i] = v[line * a + reflect(i, n) * b]!;
    filterLine(x, y, m, k);
    for (let i = 0; i < n; i++) v[line * a + i * b] = y[i]!;
  }
}

/** Reference gaussianBlur (same contract as `gaussianBlur`, no validation). */
export function gaussianBlurJs(
  src: Float32Array,
  width: number,
  height: number,
  sigma: number,
): Float32Array {
  const out = src.slice(0, width * height);
  if (sigma === 0) return out;
  const k = dericheCoefficients(sigma);
  blurLines(out, width, height, width, 1, k); // rows
  blurLines(out, height, width, 1, width, k); // columns
  return out;
}
