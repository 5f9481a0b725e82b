import { wasmDistanceTransform } from '../kernels/weights.js';
import { checkImage } from './validate.js';

/**
 * Exact Euclidean distance transform (WASM, Felzenszwalb–Huttenlocher, linear time): for every
 * nonzero pixel of the row-major `width × height` mask, the distance to the nearest zero pixel; 0 on
 * zero pixels; `Infinity` everywhere when the mask has no zero pixel. Equals
 * `scipy.ndimage.distance_transform_edt(mask != 0)` (rounded to float32).
 * @throws WeightsInputError on a wrong length or size.
 */
export function distanceTransform(mask: Uint8Array, width: number, height: number): Float32Array {
  checkImage('distanceTransform', mask, width, height);
  return wasmDistanceTransform(mask, width, height);
}
