/** Thrown for metric inputs that do not fit together (lengths, sizes, classes). */
export class MetricInputError extends Error {
  override name = 'MetricInputError';
}

/** A typed array of per-pixel values, row-major. */
export type PixelArray = Uint8Array | Uint16Array | Int32Array | Float32Array;

export function checkPair(
  pred: ArrayLike<number>,
  truth: ArrayLike<number>,
  what = 'prediction and truth',
): void {
  if (pred.length !== truth.length) {
    throw new MetricInputError(`${what} differ in length: ${pred.length} vs ${truth.length}`);
  }
  if (pred.length === 0) throw new MetricInputError(`${what} are empty`);
}

export function checkSize(map: ArrayLike<number>, width: number, height: number, channels = 1): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new MetricInputError(`width and height must be positive integers, got ${width}x${height}`);
  }
  if (map.length !== width * height * channels) {
    throw new MetricInputError(
      `map has ${map.length} values, expected ${width}x${height}x${channels} = ${width * height * channels}`,
    );
  }
}
