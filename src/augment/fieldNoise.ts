// The uniform noise behind elastic fields: four xoshiro128** generators (the project's Rng) per
// field, interleaved so WASM can run them in one i32x4. Lane k of dx is new Rng(mixSeed(seed, k)),
// lane k of dy is new Rng(mixSeed(seed, 4 + k)); element i takes the next output u of lane i % 4
// as the exact float ((u >>> 8) - 2^23) / 2^23, uniform in [-1, 1).
import { Rng, mixSeed } from '../random/index.js';

/** The 8 generator states (dx lanes 0..3, then dy lanes 0..3), 4 words each. */
export function fieldNoiseStates(seed: number): Uint32Array {
  const out = new Uint32Array(32);
  for (let k = 0; k < 8; k++) out.set(new Rng(mixSeed(seed, k)).getState(), 4 * k);
  return out;
}

/** Plain-TS noise of one field component (`part` 0 = dx, 1 = dy), n values. */
export function fieldNoiseJs(seed: number, part: 0 | 1, n: number): Float32Array {
  const rngs = [0, 1, 2, 3].map((k) => new Rng(mixSeed(seed, 4 * part + k)));
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = ((rngs[i & 3]!.nextU32() >>> 8) - 8388608) * 2 ** -23;
  return out;
}
