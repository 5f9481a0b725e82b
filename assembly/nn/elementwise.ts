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
