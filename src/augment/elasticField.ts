import { elasticFieldWasm } from '../kernels/augment.js';
import { MAX_SIGMA } from './deriche.js';
import { fieldPlan } from './fieldPlan.js';
import { fieldNoiseJs, fieldNoiseStates } from './fieldNoise.js';
import { AugmentError } from './errors.js';
import { checkFinite, checkFloat32, checkRange, checkSeed, checkSize } from './validate.js';

/** Options of `elasticField`. */
export interface ElasticFieldOptions {
  /** Displacement scale in pixels (Simard et al.'s alpha). */
  alpha: number;
  /** Smoothness: standard deviation of the Gaussian, in pixels, in [0, 1000]. */
  sigma: number;
  /** Seed of the noise (any finite number; see `Rng`). */
  seed: number;
  /**
   * Two distinct Float32Arrays of width*height to write the field into instead of new ones (they are
   * returned). Reusing arrays skips the page faults of fresh memory (0.1–1.1 ms per new 1 MB
   * array on the 2-core VMs measured, see `npm run bench:augment`'s probe).
   */
  out?: { dx: Float32Array; dy: Float32Array };
}

/** The validated `out` option of elasticField (undefined: allocate). */
export function fieldOut(
  out: ElasticFieldOptions['out'],
  n: number,
): { dx: Float32Array; dy: Float32Array } | undefined {
  if (out === undefined) return undefined;
  checkFloat32(out?.dx, n, 'out.dx');
  checkFloat32(out.dy, n, 'out.dy');
  if (
    out.dx.buffer === out.dy.buffer &&
    out.dx.byteOffset < out.dy.byteOffset + out.dy.byteLength &&
    out.dy.byteOffset < out.dx.byteOffset + out.dx.byteLength
  )
    throw new AugmentError('out.dx and out.dy must not overlap');
  return out;
}

/**
 * Random elastic displacement field (Simard et al., 2003): `dx` and `dy` are uniform noise in
 * [-1, 1) from the project's Rng (four interleaved xoshiro128** streams per component, seeded by
 * mixSeed(seed, k); see fieldNoise.ts), each Gaussian-blurred with `sigma` and multiplied by
 * `alpha`. Same seed, same field, on every platform (integer noise, the blur runs in WASM). Feed it
 * to `warp` as `{ dx, dy }`.
 *
 * From sigma 4 on (when the height allows), the vertical blur runs at a coarse row rate: every 2nd
 * row from sigma 4, every 4th from sigma 8, with a B-spline prefilter and cubic interpolation
 * (src/augment/fieldPlan.ts). Against the full-rate blur of the same noise that costs at most
 * 0.4 % RMS and 0.5 % of the maximum (σ = 4, the worst case; 0.08 % RMS at σ = 12), and against
 * scipy's exact Gaussian it is as close as the full-rate blur to within 0.1 %. A 512² field at
 * σ = 12 took 2.2 ms instead of 3.6 ms in one process (kernel and copy into `out`).
 * @throws AugmentError on bad sizes or options.
 */
export function elasticField(
  width: number,
  height: number,
  options: ElasticFieldOptions,
): { dx: Float32Array; dy: Float32Array } {
  checkSize(width, height, 'field');
  const { alpha, sigma, seed } = options ?? ({} as ElasticFieldOptions);
  checkFinite(alpha, 'alpha');
  checkRange(sigma, 0, MAX_SIGMA, 'sigma');
  checkSeed(seed);
  const n = width * height;
  const out = fieldOut(options.out, n);
  if (sigma === 0) {
    const dx = fieldNoiseJs(seed, 0, n).map((v) => v * alpha);
    const dy = fieldNoiseJs(seed, 1, n).map((v) => v * alpha);
    if (!out) return { dx, dy };
    out.dx.set(dx);
    out.dy.set(dy);
    return out;
  }
  return elasticFieldWasm(
    width,
    height,
    { states: fieldNoiseStates(seed), plan: fieldPlan(height, sigma), alpha },
    out,
  );
}
