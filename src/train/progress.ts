import type { BatchInfo, EpochRecord } from './options.js';

/** `1h02m`, `3m05s`, `42s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * Estimated seconds left, from this run's average step time (steps resumed from a checkpoint do
 * not count) plus, when known, the validation time of the last epoch for each epoch still to come.
 */
export function estimateRemaining(info: BatchInfo, validationSeconds = 0): number {
  if (info.stepsThisRun === 0) return NaN;
  const perStep = info.elapsed / info.stepsThisRun;
  const stepsLeft = info.totalSteps - info.globalStep;
  const epochsLeft = info.epochs - info.epoch;
  return stepsLeft * perStep + epochsLeft * validationSeconds;
}

/** One progress line: `epoch 2/10  step 14/40  loss 0.4123 (avg 0.4410)  val IoU 0.712 acc 88.1%  312 ms/step  ETA 3m05s`. */
export function formatProgress(info: BatchInfo, last?: EpochRecord, validationSeconds = 0): string {
  const parts = [
    `epoch ${info.epoch + 1}/${info.epochs}`,
    `step ${info.step + 1}/${info.stepsPerEpoch}`,
    `loss ${info.loss.toFixed(4)} (avg ${info.epochLoss.toFixed(4)})`,
  ];
  const v = last?.validation;
  if (v) parts.push(`val IoU ${v.meanIoU.toFixed(3)} acc ${(v.pixelAccuracy * 100).toFixed(1)}%`);
  parts.push(
    `${Math.round(info.stepMs)} ms/step`,
    `ETA ${formatDuration(estimateRemaining(info, validationSeconds))}`,
  );
  return parts.join('  ');
}

/** One line summarising a finished epoch: `epoch 2/10  loss 0.41  val loss …  data wait 0.3%  1m05s`. */
export function formatEpoch(record: EpochRecord, epochs: number): string {
  const parts = [`epoch ${record.epoch + 1}/${epochs}`, `loss ${record.loss.toFixed(4)}`];
  const v = record.validation;
  if (v) {
    parts.push(
      `val loss ${v.loss.toFixed(4)}`,
      `acc ${(v.pixelAccuracy * 100).toFixed(2)}%`,
      `mean IoU ${v.meanIoU.toFixed(4)}`,
      `Vrand ${v.vRand.toFixed(4)}`,
      `Vinfo ${v.vInfo.toFixed(4)}`,
    );
  }
  // Share of the training steps' time spent getting batches: ~0 when a worker pool keeps up.
  const stepSeconds = record.seconds - (record.validationSeconds ?? 0);
  if (record.batchSeconds !== undefined && stepSeconds > 0) {
    parts.push(`data wait ${((100 * record.batchSeconds) / stepSeconds).toFixed(1)}%`);
  }
  parts.push(formatDuration(record.seconds));
  return parts.join('  ');
}
