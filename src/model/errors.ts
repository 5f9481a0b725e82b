/** Thrown for U-Net options or sizes that cannot work (e.g. a `valid` input size that is odd at a pooling). */
export class UNetConfigError extends Error {
  override name = 'UNetConfigError';
}
