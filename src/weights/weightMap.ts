import { wasmWeightMap } from '../kernels/weights.js';
import { resolveWeightMapOptions, type WeightMapOptions } from './options.js';
import { checkImage } from './validate.js';

/**
 * The U-Net weight map (Ronneberger et al. 2015) of a row-major `width × height` label image
 * (WASM): foreground = label > 0, cells = its connected components, and
 * `w(x) = w_c(x) + w0·exp(-(d1(x) + d2(x))² / (2σ²))` on background pixels (just `w_c` on cells),
 * with d1, d2 the distances to the nearest and the second-nearest different cell; with fewer than
 * two cells the border term is 0. The border term is exact (|error| <= 1e-4) wherever it is at least
 * 1e-6, and may be 0 where it is smaller. Cost is linear in the sum over cells of their bounding
 * boxes grown by about 6σ, and much less where cells are packed closely, as in EM labels (a few
 * milliseconds for a 512² ISBI label).
 * @throws WeightsInputError on a wrong length, size or option.
 */
export function weightMap(
  label: Uint8Array,
  width: number,
  height: number,
  options: WeightMapOptions = {},
): Float32Array {
  checkImage('weightMap', label, width, height);
  return wasmWeightMap(label, width, height, resolveWeightMapOptions('weightMap', options));
}
