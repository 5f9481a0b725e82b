// Plain-TS exact EDT (Felzenszwalb–Huttenlocher, float64): the oracle and bench baseline of
// distanceTransform, and the per-cell transform of the brute-force weight map.
import { checkImage } from '../validate.js';

/** Squared distance to the nearest parabola of the 1-D envelope; f holds Infinity for "no feature". */
function envelope1d(f: Float64Array, n: number, out: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[q]!;
    if (fq === Infinity) continue;
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = -Infinity;
      continue;
    }
    let s = 0;
    for (;;) {
      const p = v[k]!;
      s = (fq + q * q - (f[p]! + p * p)) / (2 * (q - p));
      if (s > z[k]!) break;
      k--;
    }
    k++;
    v[k] = q;
    z[k] = s;
  }
  if (k < 0) {
    out.fill(Infinity, 0, n);
    return;
  }
  z[k + 1] = Infinity;
  let j = 0;
  for (let x = 0; x < n; x++) {
    while (z[j + 1]! < x) j++;
    const p = v[j]!;
    out[x] = (x - p) * (x - p) + f[p]!;
  }
}

/**
 * Squared Euclidean distance from every pixel to the nearest pixel where `isFeature` is nonzero
 * (Infinity when there is none), written to `d` (a new array by default).
 */
export function squaredDistanceToFeatures(
  isFeature: Uint8Array,
  width: number,
  height: number,
  d: Float64Array = new Float64Array(width * height),
): Float64Array {
  const side = Math.max(width, height);
  const f = new Float64Array(side);
  const out = new Float64Array(side);
  const v = new Int32Array(side);
  const z = new Float64Array(side + 1);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) f[y] = isFeature[y * width + x] !== 0 ? 0 : Infinity;
    envelope1d(f, height, out, v, z);
    for (let y = 0; y < height; y++) d[y * width + x] = out[y]!;
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) f[x] = d[y * width + x]!;
    envelope1d(f, width, out, v, z);
    for (let x = 0; x < width; x++) d[y * width + x] = out[x]!;
  }
  return d;
}

/** Plain-TS {@link distanceTransform}. */
export function distanceTransformJs(mask: Uint8Array, width: number, height: number): Float32Array {
  checkImage('distanceTransformJs', mask, width, height);
  const n = width * height;
  const zeros = new Uint8Array(n);
  for (let i = 0; i < n; i++) zeros[i] = mask[i] === 0 ? 1 : 0;
  const d = squaredDistanceToFeatures(zeros, width, height);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(d[i]!);
  return out;
}
