import type { StackPixels } from './options.js';
import { TrainConfigError } from './errors.js';

/**
 * Normalises every slice to zero mean and unit variance (float32). Per slice, so intensity drift
 * along a stack does not matter and a single image at prediction time is treated like a training
 * slice. `predict` uses the same function.
 */
export function prepareImages(data: StackPixels, width: number, height: number, count: number): Float32Array {
  const plane = width * height;
  const out = new Float32Array(plane * count);
  for (let s = 0; s < count; s++) {
    let sum = 0;
    let sq = 0;
    for (let i = s * plane; i < (s + 1) * plane; i++) {
      const v = data[i]!;
      sum += v;
      sq += v * v;
    }
    const mean = sum / plane;
    const std = Math.sqrt(Math.max(sq / plane - mean * mean, 0));
    const inv = std > 1e-6 ? 1 / std : 1;
    for (let i = s * plane; i < (s + 1) * plane; i++) out[i] = (data[i]! - mean) * inv;
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
