/** Thrown for bad input to the weights functions: wrong lengths or sizes, bad options, bad labels. */
export class WeightsInputError extends Error {
  override name = 'WeightsInputError';
}
