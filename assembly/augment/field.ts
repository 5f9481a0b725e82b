// Elastic displacement field: uniform noise in [-1, 1) from xoshiro128** (four interleaved
// generators per field, see noise4; 8 states of 4 words at `state`: dx's then dy's), each
// blurred with the Deriche Gaussian, then multiplied by alpha.
import { E_ARGS, E_MEMORY, inMemory } from './util';
import { noise4 } from './xoshiro';
import { checkBlurArgs, blurImage } from './blur';

function scale(p: usize, n: i32, alpha: f32): void {
  const a = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4)
    v128.store(p + ((<usize>i) << 2), f32x4.mul(v128.load(p + ((<usize>i) << 2)), a));
  for (; i < n; i++) store<f32>(p + ((<usize>i) << 2), load<f32>(p + ((<usize>i) << 2)) * alpha);
}

/** Fills dx and dy (w*h f32 each) with alpha * blur(noise); tmp is w*h f32, scratch per the blur. */
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
  alpha: f32,
): i32 {
  const err = checkBlurArgs(dx, dy, tmp, scratch, w, h, co, settle);
  if (err != 0) return err;
  if (!inMemory(state, 128)) return E_MEMORY;
  if (dx == dy) return E_ARGS;
  const n = w * h;
  noise4(state, dx, n);
  noise4(state + 64, dy, n);
  blurImage(dx, dx, tmp, scratch, w, h, co, settle);
  blurImage(dy, dy, tmp, scratch, w, h, co, settle);
  scale(dx, n, alpha);
  scale(dy, n, alpha);
  return 0;
}
