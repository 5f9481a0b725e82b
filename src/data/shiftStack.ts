import { DataInputError } from './errors.js';
import { checkStack } from './stack.js';
import type { ImageStack, NumericStack } from './stack.js';

/**
 * Resamples every slice at (x + dx, y + dy), bilinear, clamping at the borders: a sub-pixel
 * translation. Used to put images on the pixel grid of their labels (see `estimateLabelOffset`),
 * since labels cannot be shifted by a fraction of a pixel without inventing classes.
 * Returns a new Float32Array stack with the same value range; `dx`, `dy` must be finite and |·| ≤ 4.
 */
export function shiftStack(stack: NumericStack, dx: number, dy: number): ImageStack<Float32Array> {
  checkStack(stack);
  for (const [k, v] of [
    ['dx', dx],
    ['dy', dy],
  ] as const) {
    if (!Number.isFinite(v) || Math.abs(v) > 4) {
      throw new DataInputError(`${k} must be a finite number in [-4, 4], got ${v}`);
    }
  }
  const { width: W, height: H, count, data } = stack;
  const out = new Float32Array(W * H * count);
  // Per column and per row: the two source indices and the weight of the second, computed once.
  const axis = (n: number, d: number): [Int32Array, Int32Array, Float32Array] => {
    const i0 = new Int32Array(n);
    const i1 = new Int32Array(n);
    const w = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const f = Math.min(n - 1, Math.max(0, i + d));
      const a = Math.floor(f);
      i0[i] = a;
      i1[i] = Math.min(n - 1, a + 1);
      w[i] = f - a;
    }
    return [i0, i1, w];
  };
  const [x0, x1, wx] = axis(W, dx);
  const [y0, y1, wy] = axis(H, dy);
  for (let s = 0; s < count; s++) {
    const base = s * W * H;
    for (let y = 0; y < H; y++) {
      const r0 = base + y0[y]! * W;
      const r1 = base + y1[y]! * W;
      const v = wy[y]!;
      const o = base + y * W;
      for (let x = 0; x < W; x++) {
        const a = x0[x]!;
        const b = x1[x]!;
        const u = wx[x]!;
        const top = data[r0 + a]! + u * (data[r0 + b]! - data[r0 + a]!);
        const bottom = data[r1 + a]! + u * (data[r1 + b]! - data[r1 + a]!);
        out[o + x] = top + v * (bottom - top);
      }
    }
  }
  return { data: out, width: W, height: H, count };
}
