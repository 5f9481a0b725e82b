// Byte-order swapping and the TIFF predictors (2 = horizontal differencing, 3 = floating point),
// applied in place to decoded rows, as libtiff does (swap first, then accumulate).

/** Swaps `n` bytes at `p` in units of `size` (2, 4 or 8) bytes. */
export function swapBytes(p: usize, n: usize, size: u32): void {
  let i: usize = 0;
  const vn = n & ~(<usize>15);
  if (size == 2) {
    for (; i < vn; i += 16) {
      const v = v128.load(p + i);
      v128.store(p + i, i8x16.shuffle(v, v, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14));
    }
    for (; i + 2 <= n; i += 2) store<u16>(p + i, bswap<u16>(load<u16>(p + i)));
  } else if (size == 4) {
    for (; i < vn; i += 16) {
      const v = v128.load(p + i);
      v128.store(p + i, i8x16.shuffle(v, v, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12));
    }
    for (; i + 4 <= n; i += 4) store<u32>(p + i, bswap<u32>(load<u32>(p + i)));
  } else if (size == 8) {
    for (; i + 8 <= n; i += 8) store<u64>(p + i, bswap<u64>(load<u64>(p + i)));
  }
}

/** Undoes horizontal differencing on `rows` rows of `rowSamples` samples of `size` bytes, stride `spp`. */
export function undoPredictor2(
  p: usize,
  rows: u32,
  rowBytes: usize,
  rowSamples: usize,
  spp: usize,
  size: u32,
): void {
  for (let r: u32 = 0; r < rows; r++) {
    const row = p + <usize>r * rowBytes;
    if (size == 1) {
      if (spp == 1) {
        prefixSum8(row, rowSamples);
      } else {
        for (let i = spp; i < rowSamples; i++)
          store<u8>(row + i, load<u8>(row + i) + load<u8>(row + i - spp));
      }
    } else if (size == 2) {
      for (let i = spp; i < rowSamples; i++) {
        store<u16>(row + i * 2, load<u16>(row + i * 2) + load<u16>(row + (i - spp) * 2));
      }
    } else if (size == 4) {
      for (let i = spp; i < rowSamples; i++) {
        store<u32>(row + i * 4, load<u32>(row + i * 4) + load<u32>(row + (i - spp) * 4));
      }
    } else {
      for (let i = spp; i < rowSamples; i++) {
        store<u64>(row + i * 8, load<u64>(row + i * 8) + load<u64>(row + (i - spp) * 8));
      }
    }
  }
}

// Running byte sum over a row, 16 bytes at a time: an in-register prefix sum (shift-and-add by 1, 2,
// 4, 8 bytes) plus the carry of the previous block broadcast to every lane.
function prefixSum8(row: usize, n: usize): void {
  let carry = i8x16.splat(0);
  let i: usize = 0;
  for (; i + 16 <= n; i += 16) {
    let v = v128.load(row + i);
    const z = i8x16.splat(0);
    v = i8x16.add(v, i8x16.shuffle(z, v, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30));
    v = i8x16.add(v, i8x16.shuffle(z, v, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29));
    v = i8x16.add(v, i8x16.shuffle(z, v, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27));
    v = i8x16.add(v, i8x16.shuffle(z, v, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23));
    v = i8x16.add(v, carry);
    v128.store(row + i, v);
    carry = i8x16.shuffle(v, v, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15);
  }
  let prev: u8 = i > 0 ? load<u8>(row + i - 1) : 0;
  for (; i < n; i++) {
    prev += load<u8>(row + i);
    store<u8>(row + i, prev);
  }
}

/**
 * Undoes the floating-point predictor on `rows` rows of `rowBytes` bytes (`size`-byte samples,
 * stride `spp`): byte-wise accumulation, then un-shuffling the byte planes (most significant first)
 * into little-endian samples. `tmp` holds one row.
 */
export function undoPredictor3(
  p: usize,
  rows: u32,
  rowBytes: usize,
  spp: usize,
  size: u32,
  tmp: usize,
): void {
  const wc = rowBytes / <usize>size;
  for (let r: u32 = 0; r < rows; r++) {
    const row = p + <usize>r * rowBytes;
    if (spp == 1) prefixSum8(row, rowBytes);
    else for (let i = spp; i < rowBytes; i++) store<u8>(row + i, load<u8>(row + i) + load<u8>(row + i - spp));
    memory.copy(tmp, row, rowBytes);
    const sz = <usize>size;
    for (let b: usize = 0; b < sz; b++) {
      const plane = tmp + (sz - b - 1) * wc;
      for (let k: usize = 0; k < wc; k++) store<u8>(row + k * sz + b, load<u8>(plane + k));
    }
  }
}
