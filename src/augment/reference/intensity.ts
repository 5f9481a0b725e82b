// Plain-TypeScript intensity transforms with the kernels' semantics (f32 steps via Math.fround).
import { Rng } from '../../random/index.js';
import type { IntensityOptions, NoiseOptions } from '../intensity.js';
import { powPosJs } from './pow.js';

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

/** Reference `addGaussianNoise` (Box-Muller pairs, cos then sin, f64 maths). */
export function addGaussianNoiseJs(img: Float32Array, { std, seed }: NoiseOptions): Float32Array {
  const rng = new Rng(seed);
  const n = img.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = 1 - rng.next();
    const v = rng.next();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    const t = 2 * Math.PI * v;
    out[i] = f(img[i]! + f(r * Math.cos(t)));
    if (i + 1 < n) out[i + 1] = f(img[i + 1]! + f(r * Math.sin(t)));
  }
  return out;
}
