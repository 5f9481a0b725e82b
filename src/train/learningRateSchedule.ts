// Learning-rate schedules. A schedule is a pure function of the global step, so a resumed run
// follows the same trajectory as an uninterrupted one and runs stay bit-reproducible.
import { TrainConfigError } from './errors.js';

/**
 * How the learning rate changes over training:
 * - 'constant': `learningRate` at every step (the default);
 * - 'cosine': half a cosine from `learningRate` at step 0 down to `finalLearningRate` at step
 *   `steps`, then constant at `finalLearningRate` (no restarts).
 */
export type LearningRateSchedule =
  | { type: 'constant' }
  | {
      type: 'cosine';
      /** Steps of the decay (positive integer). */
      steps: number;
      /** Learning rate from step `steps` on. Default `learningRate / 100`. */
      finalLearningRate?: number;
    };

/** A schedule with its defaults filled in, as saved in checkpoints. */
export type ResolvedSchedule =
  { type: 'constant' } | { type: 'cosine'; steps: number; finalLearningRate: number };

/** Checks a schedule and fills in its defaults; throws `TrainConfigError` on a bad one. */
export function resolveSchedule(
  schedule: LearningRateSchedule | undefined,
  learningRate: number,
): ResolvedSchedule {
  if (schedule === undefined || schedule.type === 'constant') return { type: 'constant' };
  if (schedule.type !== 'cosine') {
    throw new TrainConfigError(
      `learningRateSchedule.type must be 'constant' or 'cosine', got '${String((schedule as { type: unknown }).type)}'`,
    );
  }
  if (!Number.isInteger(schedule.steps) || schedule.steps < 1) {
    throw new TrainConfigError(`learningRateSchedule.steps must be an integer >= 1, got ${schedule.steps}`);
  }
  const finalLearningRate = schedule.finalLearningRate ?? learningRate / 100;
  if (!(finalLearningRate >= 0) || !(finalLearningRate <= learningRate)) {
    throw new TrainConfigError(
      `learningRateSchedule.finalLearningRate must be in [0, learningRate = ${learningRate}], got ${finalLearningRate}`,
    );
  }
  return { type: 'cosine', steps: schedule.steps, finalLearningRate };
}

/** The learning rate of the step with 0-based global index `step`. */
export function learningRateAt(schedule: ResolvedSchedule, learningRate: number, step: number): number {
  if (schedule.type === 'constant') return learningRate;
  const t = Math.min(step, schedule.steps) / schedule.steps;
  const lo = schedule.finalLearningRate;
  return lo + 0.5 * (learningRate - lo) * (1 + Math.cos(Math.PI * t));
}
