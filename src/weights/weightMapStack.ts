import { wasmWeightMap } from '../kernels/weights.js';
import { WeightsInputError } from './errors.js';
import { resolveWeightMapOptions, type WeightMapOptions } from './options.js';
import { checkSize } from './validate.js';

/**
 * Weight maps of a stack of `count` label images of `width × height` (slice after slice), e.g. to
 * precompute the maps of an unaugmented validation set. Same definition and options as
 * {@link weightMap}; each slice is processed independently (class weights are per slice).
 * @throws WeightsInputError on a wrong length, size, count or option.
 */
export function weightMapStack(
  labels: Uint8Array,
  count: number,
  width: number,
  height: number,
  options: WeightMapOptions = {},
): Float32Array {
  if (!Number.isInteger(count) || count < 0) {
    throw new WeightsInputError(`weightMapStack: count must be an integer >= 0, got ${String(count)}`);
  }
  checkSize('weightMapStack', width, height);
  const n = width * height;
  if (!(labels instanceof Uint8Array) || labels.length !== count * n) {
    throw new WeightsInputError(
      `weightMapStack: expected a Uint8Array of ${count}×${width}×${height} = ${count * n} pixels`,
    );
  }
  const params = resolveWeightMapOptions('weightMapStack', options);
  const out = new Float32Array(count * n);
  for (let i = 0; i < count; i++) {
    out.set(wasmWeightMap(labels.subarray(i * n, (i + 1) * n), width, height, params), i * n);
  }
  return out;
}
