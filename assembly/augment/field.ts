// Elastic displacement field: uniform noise in [-1, 1) from xoshiro128** (four interleaved
// generators per field, see noise4; 8 states of 4 words at `state`: dx's then dy's), each
// blurred with the Deriche Gaussian; alpha rides on the vertical pass's coefficients.
import { E_ARGS, E_MEMORY, inMemory } from './util';
import { checkBlurArgs, blurImage } from './blur';

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
