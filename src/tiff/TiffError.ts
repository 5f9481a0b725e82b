/**
 * Thrown for every malformed, truncated, unsupported or oversized TIFF (and for bad encoder input).
 * The message says what is wrong and where (page, strip or tile, file offset).
 */
export class TiffError extends Error {
  override name = 'TiffError';
}
