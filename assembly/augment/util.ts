// Shared guards for the augment kernels: every pointer range is checked against linear memory
// before use, so bad arguments return an error code instead of trapping.

/** Error codes returned by augment kernels (mirrored in src/kernels/augment.ts). */
export const E_ARGS: i32 = -1; // a size or option is out of range
export const E_MEMORY: i32 = -2; // a buffer lies outside linear memory

/** Largest width or height a kernel accepts (keeps every i32 index computation in range). */
export const MAX_SIDE: i32 = 1 << 15;
/** Largest pixel count a kernel accepts. */
export const MAX_PIXELS: i32 = 1 << 27;

/** True if [ptr, ptr + bytes) is a non-null range inside linear memory. */
export function inMemory(ptr: usize, bytes: u64): bool {
  if (ptr == 0) return false;
  const end = <u64>ptr + bytes;
  return end <= (<u64>memory.size()) << 16;
}

/** True if width and height are usable image sizes. */
export function validSize(w: i32, h: i32): bool {
  return w >= 1 && h >= 1 && w <= MAX_SIDE && h <= MAX_SIDE && <i64>w * <i64>h <= <i64>MAX_PIXELS;
}

/** Half-sample-symmetric reflection of index i into [0, n): ... 2 1 0 | 0 1 2 ... n-1 | n-1 ... */
export function reflectIndex(i: i32, n: i32): i32 {
  // One reflection covers [-n, 2n), the common case; a division only beyond.
  if (i >= 0) {
    if (i < n) return i;
    if (i < n << 1) return (n << 1) - 1 - i;
  } else if (i >= -n) return -1 - i;
  const period = n << 1;
  let m = i % period;
  if (m < 0) m += period;
  return m >= n ? period - 1 - m : m;
}
