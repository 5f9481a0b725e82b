import { DataInputError } from './errors.js';
import { checkStack } from './stack.js';
import type { ImageStack, NumericStack } from './stack.js';

/** The ways `shiftStack` interpolates between pixels. */
export const SHIFT_INTERPOLATIONS = ['bilinear', 'cubic'] as const;

/** How `shiftStack` interpolates between pixels. */
export type ShiftInterpolation = (typeof SHIFT_INTERPOLATIONS)[number];

/** Options of `shiftStack`. */
export interface ShiftStackOptions {
  /**
   * 'bilinear' (default) or 'cubic': Keys' cubic convolution (a = −0.5), 4 taps per axis. Cubic keeps
   * more of the image's fine detail: a bilinear shift by 0.5 px averages two pixels, halving the noise
   * and the edges' contrast alike. Cubic results are clamped to the stack's value range.
   */
  interpolation?: ShiftInterpolation;
}

/** Keys' cubic convolution kernel, a = −0.5 (reproduces quadratics; Catmull–Rom). */
function keys(t: number): number {
  const x = Math.abs(t);
  if (x <= 1) return (1.5 * x - 2.5) * x * x + 1;
  if (x < 2) return ((-0.5 * x + 2.5) * x - 4) * x + 2;
  return 0;
}

/** Per output index along one axis: `taps` clamped source indices and their weights. */
function axisTaps(n: number, d: number, taps: 2 | 4): { idx: Int32Array; w: Float32Array } {
  const idx = new Int32Array(n * taps);
  const w = new Float32Array(n * taps);
  for (let i = 0; i < n; i++) {
    const f = Math.min(n - 1, Math.max(0, i + d));
    const a = Math.floor(f);
    const t = f - a;
    if (taps === 2) {
      idx[2 * i] = a;
      idx[2 * i + 1] = Math.min(n - 1, a + 1);
      w[2 * i] = 1 - t;
      w[2 * i + 1] = t;
    } else {
      for (let k = 0; k < 4; k++) {
        idx[4 * i + k] = Math.min(n - 1, Math.max(0, a - 1 + k));
        w[4 * i + k] = keys(t - (k - 1));
      }
    }
  }
  return { idx, w };
}

/**
 * Resamples every slice at (x + dx, y + dy), clamping at the borders: a sub-pixel translation. Used
 * to put images on the pixel grid of their labels (see `estimateLabelOffset`), since labels cannot
 * be shifted by a fraction of a pixel without inventing classes.
 * Returns a new Float32Array stack within the input's value range; `dx`, `dy` must be finite and
 * |·| ≤ 4. Options: `interpolation` 'bilinear' (default) or 'cubic'.
 */
export function shiftStack(
  stack: NumericStack,
  dx: number,
  dy: number,
  options: ShiftStackOptions = {},
): ImageStack<Float32Array> {
  checkStack(stack);
  for (const [k, v] of [
    ['dx', dx],
    ['dy', dy],
  ] as const) {
    if (!Number.isFinite(v) || Math.abs(v) > 4) {
      throw new DataInputError(`${k} must be a finite number in [-4, 4], got ${v}`);
    }
  }
  const interpolation = options.interpolation ?? 'bilinear';
  if (!SHIFT_INTERPOLATIONS.includes(interpolation)) {
    throw new DataInputError(`interpolation must be 'bilinear' or 'cubic', got ${String(interpolation)}`);
  }
  const taps = interpolation === 'cubic' ? 4 : 2;
  const { width: W, height: H, count, data } = stack;
  const out = new Float32Array(W * H * count);
  const X = axisTaps(W, dx, taps);
  const Y = axisTaps(H, dy, taps);
  // Separable: the row taps of one slice into `rows`, then the column taps from it.
  const rows = new Float32Array(W * H);
  let lo = Infinity;
  let hi = -Infinity;
  if (taps === 4) {
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  for (let s = 0; s < count; s++) {
    const base = s * W * H;
    for (let y = 0; y < H; y++) {
      const r = base + y * W;
      const o = y * W;
      for (let x = 0; x < W; x++) {
        let acc = 0;
        for (let k = 0; k < taps; k++) acc += X.w[x * taps + k]! * data[r + X.idx[x * taps + k]!]!;
        rows[o + x] = acc;
      }
    }
    for (let y = 0; y < H; y++) {
      const o = base + y * W;
      for (let x = 0; x < W; x++) {
        let acc = 0;
        for (let k = 0; k < taps; k++) acc += Y.w[y * taps + k]! * rows[Y.idx[y * taps + k]! * W + x]!;
        out[o + x] = taps === 4 ? Math.min(hi, Math.max(lo, acc)) : acc;
      }
    }
  }
  return { data: out, width: W, height: H, count };
}
