// Elastic displacement field: uniform noise in [-1, 1) from xoshiro128** (four interleaved
// generators per field, see noise4; 8 states of 4 words at `state`: dx's then dy's), each
// blurred with the Deriche Gaussian; alpha rides on the last step's coefficients.
import { E_ARGS, E_MEMORY, inMemory, validSize } from './util';
import { checkBlurArgs, blurImage, horizontalPass, verticalPass, paddedLength } from './blur';
import { prefilterNoise, interpolateRows, NOISE_RING_ROWS } from './multirate';

/**
 * Fills dx and dy (w*h f32 each) with blur(noise), noise drawn straight into the blur's
 * horizontal pass; co = horizontal coefficients, coV = vertical ones scaled by alpha.
 * tmp is w*h f32, scratch per augBlurScratchBytes.
 */
export function augElasticField(
  state: usize,
  dx: usize,
  dy: usize,
  tmp: usize,
  scratch: usize,
  w: i32,
  h: i32,
  co: usize,
  settle: i32,
  coV: usize,
): i32 {
  const err = checkBlurArgs(dx, dy, tmp, scratch, w, h, co, settle);
  if (err != 0) return err;
  if (!inMemory(coV, 64)) return E_MEMORY;
  if (!inMemory(state, 128)) return E_MEMORY;
  if (dx == dy) return E_ARGS;
  blurImage(0, dx, tmp, scratch, w, h, co, coV, settle, state);
  blurImage(0, dy, tmp, scratch, w, h, co, coV, settle, state + 64);
  return 0;
}

/** Longest blur line of the multirate field: w at settleH, h / k at settleC. */
function multirateLine(w: i32, h: i32, k: i32, settleH: i32, settleC: i32): i32 {
  const a = paddedLength(w, settleH);
  const b = paddedLength(h / k, settleC);
  return a > b ? a : b;
}

/** Scratch bytes of augElasticFieldMultirate: the blur's line buffers and rows, the noise ring. */
export function augFieldScratchBytes(w: i32, h: i32, k: i32, settleH: i32, settleC: i32): i32 {
  if (!validSize(w, h) || (k != 2 && k != 4) || h % k != 0 || h < 2 * k) return E_ARGS;
  if (settleH < 0 || settleH > 1 << 20 || settleC < 0 || settleC > 1 << 20) return E_ARGS;
  return (multirateLine(w, h, k, settleH, settleC) << 5) + w * 4 * NOISE_RING_ROWS;
}

/**
 * The elastic field at a coarse row rate (src/augment/fieldPlan.ts): per component, the noise
 * rows are prefiltered and decimated by k (2 or 4, dividing h) into h / k coarse rows, blurred
 * vertically at the coarse rate (coC, the remaining sigma in coarse rows) and horizontally at the
 * full rate (coH), then interpolated back to h rows. mr: the 3k - 2 prefilter taps at 0, the
 * 4k interpolation weights (alpha included) at byte 64. tmp is w*h f32 (two coarse images);
 * scratch per augFieldScratchBytes.
 */
export function augElasticFieldMultirate(
  state: usize,
  dx: usize,
  dy: usize,
  tmp: usize,
  scratch: usize,
  w: i32,
  h: i32,
  k: i32,
  coH: usize,
  settleH: i32,
  coC: usize,
  settleC: i32,
  mr: usize,
): i32 {
  const sb = augFieldScratchBytes(w, h, k, settleH, settleC);
  if (sb < 0) return sb;
  const bytes = <u64>w * <u64>h * 4;
  if (!inMemory(dx, bytes) || !inMemory(dy, bytes) || !inMemory(tmp, bytes)) return E_MEMORY;
  if (!inMemory(scratch, <u64>sb) || !inMemory(coH, 64) || !inMemory(coC, 64)) return E_MEMORY;
  if (!inMemory(state, 128) || !inMemory(mr, 64 + 16 * <u64>k)) return E_MEMORY;
  if (dx == dy) return E_ARGS;
  const m = multirateLine(w, h, k, settleH, settleC);
  const hc = h / k;
  const c0 = tmp;
  const c1 = tmp + <usize>w * <usize>hc * 4;
  const ring = scratch + ((<usize>m) << 5);
  for (let part = 0; part < 2; part++) {
    prefilterNoise(state + 64 * part, ring, c0, w, h, k, mr);
    verticalPass(c0, c1, scratch, w, hc, coC, settleC, m);
    horizontalPass(c1, c1, scratch, w, hc, coH, settleH, 0, m);
    interpolateRows(c1, part == 0 ? dx : dy, w, h, k, mr + 64);
  }
  return 0;
}
