// Random warp geometry for the warp and warpPair tests.
import { elasticField, type WarpOptions } from '../../src/augment/index.js';
import type { Rng } from '../../src/random/index.js';

/** A random affine, output window, offsets and constant; with a random elastic field if asked. */
export function randomOptions(
  rng: Rng,
  w: number,
  h: number,
  withField: boolean,
): Omit<WarpOptions, 'out' | 'interpolation'> {
  const outWidth = 1 + rng.int(w + 9);
  const outHeight = 1 + rng.int(h + 9);
  const th = rng.uniform(-Math.PI, Math.PI);
  const s = rng.uniform(0.6, 1.5);
  const f = withField ? elasticField(outWidth, outHeight, { alpha: 30, sigma: 3, seed: rng.nextU32() }) : {};
  return {
    ...f,
    affine: [
      s * Math.cos(th),
      -Math.sin(th) + 0.1,
      rng.uniform(-9, 9),
      Math.sin(th),
      s * Math.cos(th),
      rng.uniform(-9, 9),
    ],
    outWidth,
    outHeight,
    offsetX: rng.int(2 * w) - w,
    offsetY: rng.int(2 * h) - h,
    constant: rng.int(256),
  };
}
