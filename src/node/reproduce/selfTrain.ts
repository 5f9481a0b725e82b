// `reproduce-isbi --self-train F`: two rounds under one budget. Round 1 trains on the labelled
// slices for a share F of it and predicts the unlabeled test volume; round 2 starts from round 1's
// model(s) and trains on the labelled slices plus the test slices, labelled by round 1's maps.
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { TrainConfigError } from '../../train/index.js';
import { REPRODUCE_DEFAULTS, reproduceOutDir } from './options.js';
import type { ReproduceIsbiOptions } from './options.js';

/** The file round 2 trains on: a copy of round 1's test-probabilities.tif (round 2 rewrites that). */
export const PSEUDO_LABEL_FILE = 'pseudo-labels.tif';
/** Round 1's summary.json, kept beside round 2's. */
export const ROUND1_SUMMARY_FILE = 'round-1-summary.json';

/** Options of `runSelfTraining`: a run's, plus the share of the budget for round 1. */
export interface SelfTrainOptions extends ReproduceIsbiOptions {
  /** Share of the budget (`minutes`) for round 1, in (0, 1). */
  selfTrain: number;
}

/**
 * Runs the two rounds with `run` (a single run or an ensemble; each writes `<out>/summary.json`
 * and `<out>/test-probabilities.tif`). Round 1 scores and predicts without TTA, which only costs
 * time there; round 2 gets the rest of the budget and the options as given. Resolves to round 2's
 * result, or round 1's when `signal` aborted during it.
 */
export async function runSelfTraining<R>(
  options: SelfTrainOptions,
  run: (o: ReproduceIsbiOptions) => Promise<R>,
): Promise<R> {
  const t0 = Date.now();
  const { selfTrain: share, ...base } = options;
  if (!(share > 0 && share < 1)) throw new TrainConfigError(`selfTrain must be in (0, 1), got ${share}`);
  if (base.pseudoLabels !== undefined || base.warmStart)
    throw new TrainConfigError('selfTrain makes its own pseudoLabels and warmStart; give neither');
  if (base.testSlices !== undefined && base.testSlices.length === 0)
    throw new TrainConfigError('selfTrain needs the test volume (testSlices is empty)');
  if (base.resume) throw new TrainConfigError('selfTrain does not resume');
  const minutes = base.minutes ?? REPRODUCE_DEFAULTS.minutes;
  if (!(minutes > 0)) throw new TrainConfigError(`minutes must be > 0, got ${minutes}`);
  const out = reproduceOutDir(base);
  const stdout = base.stdout ?? process.stdout;

  stdout.write(`self-training round 1 of 2: ${(minutes * share).toFixed(1)} of ${minutes} min\n`);
  const first = await run({ ...base, out, minutes: minutes * share, tta: false, testTta: false });
  if (base.signal?.aborted) {
    // Stopped by the user: round 1's outputs are the result.
    stdout.write('self-training stopped after round 1\n');
    return first;
  }
  const maps = join(out, 'test-probabilities.tif');
  if (!existsSync(maps)) throw new TrainConfigError(`round 1 wrote no ${maps}`);
  const pseudo = join(out, PSEUDO_LABEL_FILE);
  copyFileSync(maps, pseudo);
  copyFileSync(join(out, 'summary.json'), join(out, ROUND1_SUMMARY_FILE));

  const left = minutes - (Date.now() - t0) / 60_000;
  stdout.write(`self-training round 2 of 2: ${left.toFixed(1)} min left, pseudo-labels ${pseudo}\n`);
  if (!(left > 0)) throw new TrainConfigError('round 1 used the whole budget');
  return run({ ...base, out, minutes: left, warmStart: true, pseudoLabels: pseudo });
}
