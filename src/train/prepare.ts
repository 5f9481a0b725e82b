import type { StackPixels } from './options.js';
import { TrainConfigError } from './errors.js';

/**
 * Scales every slice to [0, 1] by its own minimum and maximum (float32), the range the
 * augmentation's intensity transforms assume. Per slice, so intensity drift along a stack and
 * 8/12/16-bit or float data all look alike, and a single image at prediction time is treated like
 * a training slice. `predict` uses the same function. A constant slice becomes all zeros.
 * With `channels` > 1 (interleaved, e.g. `sliceContext`) a slice's channels share one range.
 */
export function prepareImages(
  data: StackPixels,
  width: number,
  height: number,
  count: number,
  channels = 1,
): Float32Array {
  const plane = width * height * channels;
  const out = new Float32Array(plane * count);
  for (let s = 0; s < count; s++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = s * plane; i < (s + 1) * plane; i++) {
      const v = data[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
      throw new TrainConfigError(`slice ${s} contains non-finite values`);
    }
    const inv = hi > lo ? 1 / (hi - lo) : 0;
    for (let i = s * plane; i < (s + 1) * plane; i++) out[i] = (data[i]! - lo) * inv;
  }
  return out;
}

/**
 * Class indices from a label stack. Values already below `classes` are kept; for two classes any
 * other binary coding (e.g. ISBI's 0 = membrane, 255 = cell) maps to 0 / 1 by `value > 0`.
 */
export function prepareLabels(data: StackPixels, classes: number): Uint8Array {
  let max = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!Number.isInteger(v) || v < 0)
      throw new TrainConfigError(`labels must be non-negative integers, found ${v}`);
    if (v > max) max = v;
  }
  const out = new Uint8Array(data.length);
  if (max < classes) {
    for (let i = 0; i < data.length; i++) out[i] = data[i]!;
    return out;
  }
  if (classes !== 2) {
    throw new TrainConfigError(
      `labels go up to ${max} but the model has ${classes} classes (0 … ${classes - 1})`,
    );
  }
  for (let i = 0; i < data.length; i++) out[i] = data[i]! > 0 ? 1 : 0;
  return out;
}
