// Exact Euclidean distance transform (Felzenszwalb & Huttenlocher 2012): a vertical pass with SIMD
// across columns, then one lower envelope of parabolas per row. Linear in the number of pixels.
import { ERR_SIZE, INF, advance, buildEnvelope, validSize } from './common';

/**
 * Vertical pass: g[i] = distance (in rows) from pixel i to the nearest zero pixel of its column,
 * capped at `cap`. i32x4 across columns; the scalar tail handles widths that are not multiples of 4.
 */
function columnPassMask(mask: usize, w: i32, h: i32, g: usize, cap: i32): void {
  const capV = i32x4.splat(cap);
  const one = i32x4.splat(1);
  const zero = i32x4.splat(0);
  const w4 = w & ~3;
  const stride = (<usize>w) << 2;
  for (let y: i32 = 0; y < h; y++) {
    const mrow = mask + <usize>(y * w);
    const grow = g + ((<usize>(y * w)) << 2);
    let x: i32 = 0;
    for (; x < w4; x += 4) {
      const m = i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(mrow + <usize>x)));
      const prev = y > 0 ? v128.load(grow + ((<usize>x) << 2) - stride) : capV;
      const cand = i32x4.min_s(i32x4.add(prev, one), capV);
      v128.store(grow + ((<usize>x) << 2), v128.andnot(cand, i32x4.eq(m, zero)));
    }
    for (; x < w; x++) {
      const prev = y > 0 ? load<i32>(grow + ((<usize>x) << 2) - stride) : cap;
      store<i32>(grow + ((<usize>x) << 2), load<u8>(mrow + <usize>x) == 0 ? 0 : min<i32>(prev + 1, cap));
    }
  }
  for (let y: i32 = h - 2; y >= 0; y--) {
    const grow = g + ((<usize>(y * w)) << 2);
    let x: i32 = 0;
    for (; x < w4; x += 4) {
      const p = grow + ((<usize>x) << 2);
      v128.store(p, i32x4.min_s(v128.load(p), i32x4.add(v128.load(p + stride), one)));
    }
    for (; x < w; x++) {
      const p = grow + ((<usize>x) << 2);
      store<i32>(p, min<i32>(load<i32>(p), load<i32>(p + stride) + 1));
    }
  }
}

/**
 * Distance from each nonzero pixel of `mask` (u8, w×h) to the nearest zero pixel, written as f32 to
 * `out`; 0 on zero pixels and +Infinity everywhere when the image has no zero pixel.
 * Scratch: g (i32, w×h), v and hv (i32, w). Returns 0 or a negative error code.
 */
export function weightsEdt(mask: usize, w: i32, h: i32, out: usize, g: usize, v: usize, hv: usize): i32 {
  if (!validSize(w, h)) return ERR_SIZE;
  const n = w * h;
  columnPassMask(mask, w, h, g, INF);
  for (let y: i32 = 0; y < h; y++) {
    const grow = g + ((<usize>(y * w)) << 2);
    const m = buildEnvelope(grow, w, INF - 1, v, hv);
    if (m == 0) {
      // A row with no finite column means no column has a zero pixel: the image has none.
      for (let i: i32 = 0; i < n; i++) store<f32>(out + ((<usize>i) << 2), Infinity);
      return 0;
    }
    // The row of g is consumed by the envelope, so the squared distances overwrite it.
    let k: i32 = 0;
    for (let x: i32 = 0; x < w; x++) {
      k = advance(k, m, x, v, hv);
      const p = load<i32>(v + ((<usize>k) << 2));
      const dx = x - p;
      store<i32>(grow + ((<usize>x) << 2), dx * dx + load<i32>(hv + ((<usize>k) << 2)) - p * p);
    }
  }
  const n4 = n & ~3;
  for (let i: i32 = 0; i < n4; i += 4) {
    const off = (<usize>i) << 2;
    v128.store(out + off, f32x4.sqrt(f32x4.convert_i32x4_s(v128.load(g + off))));
  }
  for (let i = n4; i < n; i++) {
    const off = (<usize>i) << 2;
    store<f32>(out + off, Mathf.sqrt(<f32>load<i32>(g + off)));
  }
  return 0;
}
