/** Thrown for bad trainer options or data that does not fit them (wrong shapes, bad sizes). */
export class TrainConfigError extends Error {
  override name = 'TrainConfigError';
}

/** Thrown when a checkpoint is missing, incomplete or does not match the run being resumed. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}
