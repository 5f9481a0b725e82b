// Brute-force weight map in plain TS: one exact EDT per cell over the whole image, keeping the two
// smallest distances per pixel, and the border term evaluated everywhere (no cut-off). The oracle
// and bench baseline of weightMap; O(cells × pixels).
import { resolveWeightMapOptions, type WeightMapOptions } from '../options.js';
import { checkImage } from '../validate.js';
import { squaredDistanceToFeatures } from './distanceTransform.js';
import { labelComponentsJs } from './labelComponents.js';

/** Plain-TS {@link weightMap}. */
export function weightMapJs(
  label: Uint8Array,
  width: number,
  height: number,
  options: WeightMapOptions = {},
): Float32Array {
  checkImage('weightMapJs', label, width, height);
  const { w0, sigma, classWeights, connectivity } = resolveWeightMapOptions('weightMapJs', options);
  const n = width * height;
  const { labels, count } = labelComponentsJs(label, width, height, { connectivity });
  let nFg = 0;
  for (let i = 0; i < n; i++) if (label[i] !== 0) nFg++;
  const nBg = n - nFg;
  const wBg = classWeights ? classWeights[0] : nBg > 0 ? n / (2 * nBg) : 1;
  const wFg = classWeights ? classWeights[1] : nFg > 0 ? n / (2 * nFg) : 1;

  const d1 = new Float64Array(n).fill(Infinity);
  const d2 = new Float64Array(n).fill(Infinity);
  const cell = new Uint8Array(n);
  const d = new Float64Array(n);
  for (let c = 1; c <= count; c++) {
    for (let i = 0; i < n; i++) cell[i] = labels[i] === c ? 1 : 0;
    squaredDistanceToFeatures(cell, width, height, d);
    for (let i = 0; i < n; i++) {
      const v = d[i]!;
      if (v < d1[i]!) {
        d2[i] = d1[i]!;
        d1[i] = v;
      } else if (v < d2[i]!) {
        d2[i] = v;
      }
    }
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (label[i] !== 0) {
      out[i] = wFg;
      continue;
    }
    let border = 0;
    if (count >= 2) {
      const s = Math.sqrt(d1[i]!) + Math.sqrt(d2[i]!);
      border = w0 * Math.exp(-(s * s) / (2 * sigma * sigma));
    }
    out[i] = wBg + border;
  }
  return out;
}
