// Elastic displacement field: uniform noise in [-1, 1) from the xoshiro128** stream (dx first,
// then dy, exactly as src/random's Rng would draw them), each blurred with the Deriche
// Gaussian, then multiplied by alpha.
import { E_ARGS, E_MEMORY, inMemory } from './util';
import { rngLoad, rngStore, rngNext } from './xoshiro';
import { checkBlurArgs, blurImage } from './blur';

function fillUniform(out: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(out + ((<usize>i) << 2), <f32>(-1.0 + 2.0 * rngNext()));
}

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
  if (!inMemory(state, 16)) return E_MEMORY;
  if (dx == dy) return E_ARGS;
  const n = w * h;
  rngLoad(state);
  fillUniform(dx, n);
  fillUniform(dy, n);
  rngStore(state);
  blurImage(dx, dx, tmp, scratch, w, h, co, settle);
  blurImage(dy, dy, tmp, scratch, w, h, co, settle);
  scale(dx, n, alpha);
  scale(dy, n, alpha);
  return 0;
}
