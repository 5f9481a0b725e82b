import { checkSize, MetricInputError } from './errors.js';

/** Arg-max class of `H*W*classes` probabilities (row-major, classes last), as a class map. */
export function argmaxProbabilities(probs: ArrayLike<number>, classes = 2): Uint8Array {
  if (!Number.isInteger(classes) || classes < 1 || classes > 256) {
    throw new MetricInputError(`classes must be an integer in [1, 256], got ${classes}`);
  }
  if (probs.length % classes !== 0) {
    throw new MetricInputError(
      `probabilities length ${probs.length} is not a multiple of ${classes} classes`,
    );
  }
  const n = probs.length / classes;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bv = probs[i * classes]!;
    for (let c = 1; c < classes; c++) {
      const v = probs[i * classes + c]!;
      if (v > bv) {
        bv = v;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

/** One class's channel of `H*W*classes` probabilities, e.g. P(cell) for ISBI-style maps. */
export function probabilityChannel(probs: ArrayLike<number>, classes: number, channel: number): Float32Array {
  if (!(channel >= 0 && channel < classes))
    throw new MetricInputError(`channel ${channel} not in [0, ${classes})`);
  if (probs.length % classes !== 0) {
    throw new MetricInputError(
      `probabilities length ${probs.length} is not a multiple of ${classes} classes`,
    );
  }
  const n = probs.length / classes;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = probs[i * classes + channel]!;
  return out;
}

/** Class map `value > threshold ? 1 : 0`, e.g. ISBI labels (255 cell / 0 membrane) or P(cell). */
export function binarize(values: ArrayLike<number>, threshold = 0.5): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! > threshold ? 1 : 0;
  return out;
}

/** ISBI label image (255 = cell, 0 = membrane) → class map (1 = cell, 0 = membrane). */
export function labelsToClasses(labels: ArrayLike<number>): Uint8Array {
  return binarize(labels, 127);
}

type AnyArray = Uint8Array | Uint16Array | Int32Array | Float32Array | Float64Array;

/**
 * Centre crop of a row-major `height×width×channels` map to `size×size` (the seed scores 388² centre
 * crops of 512² slices). For odd margins the extra pixel is dropped at the bottom/right.
 */
export function centerCrop<T extends AnyArray>(
  map: T,
  width: number,
  height: number,
  size: number,
  channels = 1,
): T {
  checkSize(map, width, height, channels);
  if (!Number.isInteger(size) || size < 1 || size > width || size > height) {
    throw new MetricInputError(`crop size ${size} does not fit in ${width}x${height}`);
  }
  const x0 = Math.floor((width - size) / 2);
  const y0 = Math.floor((height - size) / 2);
  const Ctor = map.constructor as new (n: number) => T;
  const out = new Ctor(size * size * channels);
  for (let y = 0; y < size; y++) {
    const src = ((y0 + y) * width + x0) * channels;
    out.set(map.subarray(src, src + size * channels), y * size * channels);
  }
  return out;
}
