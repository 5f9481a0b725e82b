import { wasmLabelComponents } from '../kernels/weights.js';
import { checkConnectivity, checkImage, checkOptions } from './validate.js';

/** Options of {@link labelComponents}. */
export interface LabelComponentsOptions {
  /** 4 (edge neighbours) or 8 (edges and corners). Default 4. */
  connectivity?: 4 | 8;
}

/** Result of {@link labelComponents}. */
export interface LabeledComponents {
  /** One label per pixel: 0 for background, 1..count for the components. */
  labels: Int32Array;
  /** Number of components. */
  count: number;
}

/**
 * Connected components of the nonzero pixels of a row-major `width × height` mask (WASM, union-find
 * over the runs of nonzero pixels of each row, linear time). Components are numbered 1..count in raster order of their first pixel:
 * the component containing the first nonzero pixel (scanning rows top to bottom, each left to
 * right) is 1, the next component to appear is 2, and so on. Background is 0.
 * @throws WeightsInputError on a wrong length, size or connectivity.
 */
export function labelComponents(
  mask: Uint8Array,
  width: number,
  height: number,
  options: LabelComponentsOptions = {},
): LabeledComponents {
  checkImage('labelComponents', mask, width, height);
  checkOptions('labelComponents', options);
  const connectivity = checkConnectivity('labelComponents', options.connectivity);
  return wasmLabelComponents(mask, width, height, connectivity);
}
