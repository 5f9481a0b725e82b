/** Thrown for inference inputs or options that cannot work (sizes, tile geometry). */
export class InferenceInputError extends Error {
  override name = 'InferenceInputError';
}
