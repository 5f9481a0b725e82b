import { describe, expect, it } from 'vitest';
import { estimateRemaining, formatDuration, formatEpoch, formatProgress } from '../../src/train/index.js';
import type { BatchInfo, EpochRecord } from '../../src/train/index.js';

const info: BatchInfo = {
  epoch: 1,
  epochs: 4,
  step: 9,
  stepsPerEpoch: 20,
  loss: 0.41234,
  learningRate: 1e-3,
  epochLoss: 0.45,
  globalStep: 30,
  totalSteps: 80,
  batchMs: 3,
  stepMs: 312.4,
  stepsThisRun: 10,
  elapsed: 5,
};

describe('progress text', () => {
  it('formats durations', () => {
    expect(formatDuration(42.4)).toBe('42s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(3725)).toBe('1h02m');
    expect(formatDuration(NaN)).toBe('?');
  });

  it('estimates the time left from this run’s steps only', () => {
    // 0.5 s per step over this run's 10 steps, 50 steps left, plus 3 validations of 2 s.
    expect(estimateRemaining(info, 2)).toBeCloseTo(25 + 6);
    expect(estimateRemaining({ ...info, stepsThisRun: 0 })).toBeNaN();
  });

  it('shows epoch, step, loss, metrics and ETA on one line', () => {
    const last: EpochRecord = {
      epoch: 0,
      loss: 0.5,
      steps: 20,
      seconds: 12,
      validation: {
        pixelAccuracy: 0.881,
        iou: [0.6, 0.8],
        meanIoU: 0.712,
        dice: 0.8,
        vRand: 0.9,
        vInfo: 0.95,
        perSlice: [],
        loss: 0.3,
      },
    };
    const line = formatProgress(info, last);
    expect(line).toBe(
      'epoch 2/4  step 10/20  loss 0.4123 (avg 0.4500)  val IoU 0.712 acc 88.1%  312 ms/step  ETA 25s',
    );
    expect(line).not.toContain('\n');
    expect(formatEpoch(last, 4)).toMatch(
      /^epoch 1\/4 {2}loss 0\.5000 {2}val loss 0\.3000 {2}acc 88\.10% {2}mean IoU 0\.7120/,
    );
  });

  it('formatEpoch shows the share of step time spent waiting for batches', () => {
    const r: EpochRecord = {
      epoch: 0,
      loss: 0.5,
      steps: 10,
      seconds: 50,
      validationSeconds: 10,
      batchSeconds: 2,
    };
    expect(formatEpoch(r, 2)).toBe('epoch 1/2  loss 0.5000  data wait 5.0%  50s');
    const { batchSeconds: _b, ...old } = r;
    expect(formatEpoch(old, 2)).toBe('epoch 1/2  loss 0.5000  50s');
  });
});
