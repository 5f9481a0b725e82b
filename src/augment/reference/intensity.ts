// Plain-TypeScript intensity transforms with the kernels' semantics (f32 steps via Math.fround).
import { Rng, mixSeed } from '../../random/index.js';
import type { IntensityOptions, NoiseOptions } from '../intensity.js';
import { lnNormalJs, powPosJs } from './pow.js';

const f = Math.fround;

/** Reference `adjustIntensity`. */
export function adjustIntensityJs(img: Float32Array, options: IntensityOptions = {}): Float32Array {
  const { brightness = 0, contrast = 1, gamma = 1, pivot = 'mean' } = options;
  const n = img.length;
  const g = f(gamma);
  const src = g === 1 ? img : img.map((x) => powPosJs(x, g));
  let p: number;
  if (pivot === 'mean') {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += src[i]!;
    p = n > 0 ? f(sum / n) : 0;
  } else p = f(pivot);
  const k = f(contrast);
  const q = f(f(p * f(1 - k)) + f(brightness));
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = f(f(src[i]! * k) + q);
  return out;
}

const HALF_PI = f(1.5707963267948966);
const HALF_SQRT2 = f(0.7071067811865476);
const S7 = f(-1 / 5040);
const S5 = f(1 / 120);
const S3 = f(-1 / 6);
const C8 = f(1 / 40320);
const C6 = f(-1 / 720);
const C4 = f(1 / 24);

/**
 * Reference `addGaussianNoise`: Box-Muller on four Rng lanes with the kernel's f32 polynomials,
 * bit for bit (see augGaussianNoise in assembly/augment/intensity.ts for the layout).
 */
export function addGaussianNoiseJs(img: Float32Array, { std, seed }: NoiseOptions): Float32Array {
  const rngs = [0, 1, 2, 3].map((k) => new Rng(mixSeed(seed, k)));
  const sd = f(std);
  const n = img.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 8) {
    const a = rngs.map((r) => r.nextU32());
    const b = rngs.map((r) => r.nextU32());
    for (let l = 0; l < 4; l++) {
      const u = ((a[l]! >>> 8) + 1) * 2 ** -24;
      const v = (b[l]! >>> 8) * 2 ** -24;
      const r = f(f(Math.sqrt(f(-2 * lnNormalJs(u)))) * sd);
      const q = f(v * 4);
      const k = Math.floor(q);
      const phi = f(f(f(q - k) - 0.5) * HALF_PI);
      const p2 = f(phi * phi);
      let sp = S7;
      sp = f(f(sp * p2) + S5);
      sp = f(f(sp * p2) + S3);
      sp = f(f(sp * p2) + 1);
      const sinPhi = f(sp * phi);
      let cp = C8;
      cp = f(f(cp * p2) + C6);
      cp = f(f(cp * p2) + C4);
      cp = f(f(cp * p2) - 0.5);
      const cosPhi = f(f(cp * p2) + 1);
      const sa = f(f(sinPhi + cosPhi) * HALF_SQRT2);
      const ca = f(f(cosPhi - sinPhi) * HALF_SQRT2);
      const [c, s] = k === 0 ? [ca, sa] : k === 1 ? [-sa, ca] : k === 2 ? [-ca, -sa] : [sa, -ca];
      if (i + l < n) out[i + l] = f(img[i + l]! + f(r * c!));
      if (i + 4 + l < n) out[i + 4 + l] = f(img[i + 4 + l]! + f(r * s!));
    }
  }
  return out;
}
