/** Thrown for bad arguments to the augmentation functions (shapes, options, ranges). */
export class AugmentError extends Error {
  override name = 'AugmentError';
}
