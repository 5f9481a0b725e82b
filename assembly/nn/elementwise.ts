// Small helpers for kernels that run in place on the tfjs-wasm heap (src/kernels/nnInPlace.ts),
// where JS loops over a SharedArrayBuffer are slow: zero-filling, and adding two gradient shares.

import { NN_BAD_ARGS } from './errors';

/** Whether [ptr, ptr+bytes) lies inside linear memory (u64 arithmetic, so no wrap-around). */
function inMemory(ptr: usize, bytes: u64): bool {
  return <u64>ptr + bytes <= (<u64>memory.size()) << 16;
}

/** Zeroes `bytes` bytes at `dst`. Returns 0 or NN_BAD_ARGS. */
export function nnZero(dst: usize, bytes: i32): i32 {
  if (bytes < 0 || (bytes > 0 && dst == 0) || !inMemory(dst, <u64>bytes)) return NN_BAD_ARGS;
  memory.fill(dst, 0, <usize>bytes);
  return 0;
}

/** dst[i] += src[i] for n f32 (float32 rounding, as a JS `a + b` stored to a Float32Array). */
export function nnAddF32(dst: usize, src: usize, n: i32): i32 {
  if (n < 0 || (n > 0 && (dst == 0 || src == 0))) return NN_BAD_ARGS;
  const bytes = <u64>n * 4;
  if (!inMemory(dst, bytes) || !inMemory(src, bytes)) return NN_BAD_ARGS;
  const end = (<usize>n) << 2;
  const end16 = end & ~15;
  let i: usize = 0;
  for (; i < end16; i += 16) v128.store(dst + i, f32x4.add(v128.load(dst + i), v128.load(src + i)));
  for (; i < end; i += 4) store<f32>(dst + i, load<f32>(dst + i) + load<f32>(src + i));
  return 0;
}

/**
 * ReLU's gradient from its output: dx = dy · step(y) for n f32, step(y) = 1 where y > 0, NaN where
 * y is NaN, else 0 (tfjs's Step), so the result equals tfjs's mul(dy, step(y)) bit for bit.
 */
export function nnReluGrad(dy: usize, y: usize, dx: usize, n: i32): i32 {
  if (n < 0 || (n > 0 && (dy == 0 || y == 0 || dx == 0))) return NN_BAD_ARGS;
  const bytes = <u64>n * 4;
  if (!inMemory(dy, bytes) || !inMemory(y, bytes) || !inMemory(dx, bytes)) return NN_BAD_ARGS;
  const end = (<usize>n) << 2;
  const end16 = end & ~15;
  const one = f32x4.splat(1);
  const zero = f32x4.splat(0);
  let i: usize = 0;
  for (; i < end16; i += 16) {
    const yv = v128.load(y + i);
    const step = v128.bitselect(yv, v128.bitselect(one, zero, f32x4.gt(yv, zero)), f32x4.ne(yv, yv));
    v128.store(dx + i, f32x4.mul(v128.load(dy + i), step));
  }
  for (; i < end; i += 4) {
    const yv = load<f32>(y + i);
    const step: f32 = yv != yv ? yv : yv > 0 ? 1 : 0;
    store<f32>(dx + i, load<f32>(dy + i) * step);
  }
  return 0;
}
