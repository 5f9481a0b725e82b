// Column sums of a row-major [rows, c] float32 matrix: the bias gradient of a conv layer (the
// reduction of an NHWC tensor over every axis but the channels). Rows are summed in float32 SIMD
// in blocks of BLOCK, and the block sums are added in float64, so the result is accurate and its
// order depends only on the shape.

import { NN_BAD_ARGS } from './errors';

const BLOCK: i32 = 64;

/** out[k] = Σ_r x[r·c + k] for k < c; out is float64 [c] and is overwritten. Returns 0 or NN_BAD_ARGS. */
export function nnSumRows(xPtr: usize, outPtr: usize, rows: i32, c: i32): i32 {
  if (rows < 0 || c <= 0 || xPtr == 0 || outPtr == 0) return NN_BAD_ARGS;
  if ((xPtr & 3) != 0 || (outPtr & 7) != 0) return NN_BAD_ARGS;
  const mem = (<u64>memory.size()) << 16;
  if (<u64>xPtr + ((<u64>rows * <u64>c) << 2) > mem || <u64>outPtr + ((<u64>c) << 3) > mem)
    return NN_BAD_ARGS;
  for (let k = 0; k < c; k++) store<f64>(outPtr + ((<usize>k) << 3), 0);
  const rowBytes = (<usize>c) << 2;
  const c4 = c & ~3;
  for (let r0 = 0; r0 < rows; r0 += BLOCK) {
    const r1 = min(rows, r0 + BLOCK);
    const base = xPtr + <usize>r0 * rowBytes;
    for (let k = 0; k < c4; k += 4) {
      let acc = f32x4.splat(0);
      let p = base + ((<usize>k) << 2);
      for (let r = r0; r < r1; r++) {
        acc = f32x4.add(acc, v128.load(p));
        p += rowBytes;
      }
      const o = outPtr + ((<usize>k) << 3);
      v128.store(o, f64x2.add(v128.load(o), f64x2.promote_low_f32x4(acc)));
      v128.store(
        o,
        f64x2.add(v128.load(o, 16), f64x2.promote_low_f32x4(i32x4.shuffle(acc, acc, 2, 3, 0, 1))),
        16,
      );
    }
    for (let k = c4; k < c; k++) {
      let acc: f32 = 0;
      let p = base + ((<usize>k) << 2);
      for (let r = r0; r < r1; r++) {
        acc += load<f32>(p);
        p += rowBytes;
      }
      const o = outPtr + ((<usize>k) << 3);
      store<f64>(o, load<f64>(o) + <f64>acc);
    }
  }
  return 0;
}
