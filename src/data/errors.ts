/** Thrown for malformed image data or options of the data helpers. */
export class DataInputError extends Error {
  override name = 'DataInputError';
}
