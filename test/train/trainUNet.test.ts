import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyProblem } from './helpers.js';

import { initBackend } from '../../src/backend/index.js';
import { UNetConfigError } from '../../src/model/index.js';
import {
  makeBatch,
  MemoryCheckpointStore,
  readJsonFile,
  TrainConfigError,
  trainUNet,
} from '../../src/train/index.js';
import type { BatchRequest } from '../../src/train/index.js';

// 'wasm' with unet-wasm's gradient kernels: about 5x faster than 'cpu' on these tiny shapes.
beforeAll(async () => {
  await initBackend('wasm');
});

async function weightsOf(model: import('@tensorflow/tfjs-layers').LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.getWeights().map(async (w) => new Float32Array(await w.data())));
}

describe('trainUNet', () => {
  it('learns a tiny problem (loss falls clearly) with a flat tensor count', async () => {
    const { images, labels } = tinyProblem(5, 24, 24);
    const counts: number[] = [];
    const losses: number[] = [];
    const start = tf.memory().numTensors;
    const r = await trainUNet({
      images,
      labels,
      width: 24,
      height: 24,
      validation: [4],
      epochs: 3,
      stepsPerEpoch: 8,
      batchSize: 2,
      tileSize: 16,
      learningRate: 1e-2,
      augment: false,
      weights: false,
      model: { depth: 2, baseFilters: 4 },
      onBatchEnd: (i) => {
        counts.push(tf.memory().numTensors);
        losses.push(i.loss);
      },
    });
    expect(r.history).toHaveLength(3);
    expect(r.history[2]!.loss).toBeLessThan(0.6 * r.history[0]!.loss);
    // Adam's moments appear at the first step; after that nothing accumulates.
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(r.history[2]!.validation!.pixelAccuracy).toBeGreaterThan(r.majorityBaseline);
    // Only the model's weights remain once the optimizer is gone.
    expect(tf.memory().numTensors - start).toBe(r.model.weights.length);
    r.model.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('resumes an aborted run to exactly the weights of an uninterrupted one', async () => {
    const { images, labels } = tinyProblem(4, 20, 20, 3);
    const base = {
      images,
      labels,
      width: 20,
      height: 20,
      validation: 0.25,
      epochs: 2,
      stepsPerEpoch: 3,
      batchSize: 2,
      tileSize: 8,
      learningRate: 5e-3,
      // The rate changes at every step: a resume must pick the schedule up at the right step.
      learningRateSchedule: { type: 'cosine' as const, steps: 5 },
      // Default augmentation and weight maps: the batches must replay exactly after a resume.
      model: { depth: 1, baseFilters: 3, batchNorm: true, dropout: 0.2 },
      seed: 7,
    };
    const full = await trainUNet(base);
    const ref = await weightsOf(full.model);
    full.model.dispose();

    const store = new MemoryCheckpointStore();
    const ctl = new AbortController();
    const part = await trainUNet({
      ...base,
      checkpoint: store,
      signal: ctl.signal,
      onBatchEnd: (i) => {
        if (i.epoch === 1 && i.step === 0) ctl.abort();
      },
    });
    expect(part.aborted).toBe(true);
    expect(part.history).toHaveLength(1);
    part.model.dispose();
    const st = readJsonFile<{ epoch: number; step: number }>(await store.load('last'), 'state.json');
    expect([st.epoch, st.step]).toEqual([1, 1]);

    const resumed = await trainUNet({ ...base, checkpoint: store, resume: true });
    expect(resumed.resumedFrom).toEqual({ epoch: 1, step: 1 });
    expect(resumed.aborted).toBe(false);
    const got = await weightsOf(resumed.model);
    resumed.model.dispose();
    expect(got.length).toBe(ref.length);
    got.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(ref[i]!)));
    expect(resumed.history.map((h) => h.loss)).toEqual(full.history.map((h) => h.loss));
  });

  it('applies the learning-rate schedule to the optimizer at every step', async () => {
    const { images, labels } = tinyProblem(3, 16, 16, 9);
    const base = {
      images,
      labels,
      width: 16,
      height: 16,
      validation: [2],
      stepsPerEpoch: 1,
      batchSize: 1,
      tileSize: 8,
      learningRate: 1e-2,
      augment: false as const,
      weights: false as const,
      model: { depth: 1, baseFilters: 2 },
      seed: 3,
    };
    // A decay to 0 within one step: steps 2 and 3 run at rate 0 and must not move the weights.
    const lrs: number[] = [];
    const sched = { type: 'cosine' as const, steps: 1, finalLearningRate: 0 };
    const three = await trainUNet({
      ...base,
      epochs: 3,
      learningRateSchedule: sched,
      onBatchEnd: (i) => void lrs.push(i.learningRate),
    });
    const one = await trainUNet({ ...base, epochs: 1, learningRateSchedule: sched });
    expect(lrs).toEqual([1e-2, 0, 0]);
    expect(three.history.map((h) => h.learningRate)).toEqual([1e-2, 0, 0]);
    expect(three.config.learningRateSchedule).toEqual(sched);
    const a = await weightsOf(three.model);
    const b = await weightsOf(one.model);
    a.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(b[i]!)));
    // A constant rate does move them (the check above is not vacuous).
    const constant = await trainUNet({ ...base, epochs: 3 });
    const c = await weightsOf(constant.model);
    expect(c.some((w, i) => w.some((x, j) => x !== b[i]![j]))).toBe(true);
    expect('learningRateSchedule' in constant.config).toBe(false);
    for (const r of [three, one, constant]) r.model.dispose();
    await expect(
      trainUNet({ ...base, epochs: 1, learningRateSchedule: { type: 'cosine', steps: 0 } }),
    ).rejects.toThrow(TrainConfigError);
  });

  it("trains end to end with 'valid' padding (label tile smaller than the input tile)", async () => {
    const { images, labels } = tinyProblem(3, 24, 24, 5);
    const tiles: number[][] = [];
    const r = await trainUNet({
      images,
      labels,
      width: 24,
      height: 24,
      validation: [2],
      epochs: 1,
      stepsPerEpoch: 2,
      tileSize: 20,
      augment: false,
      model: { depth: 1, baseFilters: 2, padding: 'valid' },
      weights: false,
      onBatchEnd: (i) => {
        tiles.push([i.epoch, i.step]);
      },
    });
    expect(tiles).toEqual([
      [0, 0],
      [0, 1],
    ]);
    // 20 → conv 16 → pool 8 → conv 4 → up 8 → conv 4: the label tile is the centre 4x4.
    expect(r.config.outputSize).toBe(4);
    expect(r.model.outputs[0]!.shape).toEqual([null, 4, 4, 2]);
    expect(r.history[0]!.validation!.pixelAccuracy).toBeGreaterThan(0);
    r.model.dispose();
  });

  it('rejects bad shapes and sizes quickly with typed errors', async () => {
    const { images, labels } = tinyProblem(2, 16, 16);
    const opts = { images, labels, width: 16, height: 16, epochs: 1, augment: false as const };
    await expect(trainUNet({ ...opts, labels: labels.subarray(0, 16 * 16) })).rejects.toThrow(
      TrainConfigError,
    );
    await expect(trainUNet({ ...opts, width: 15 })).rejects.toThrow(/whole number of 15x16 slices/);
    await expect(trainUNet({ ...opts, tileSize: 21, model: { padding: 'valid', depth: 2 } })).rejects.toThrow(
      UNetConfigError,
    );
    await expect(trainUNet({ ...opts, validation: [0, 1] })).rejects.toThrow(/no training slices/);
    await expect(trainUNet({ ...opts, batchSize: 0 })).rejects.toThrow(/batchSize/);
  });

  it('refuses to resume with different options', async () => {
    const { images, labels } = tinyProblem(2, 16, 16);
    const store = new MemoryCheckpointStore();
    const opts = {
      images,
      labels,
      width: 16,
      height: 16,
      epochs: 1,
      stepsPerEpoch: 1,
      tileSize: 8,
      augment: false as const,
      weights: false as const,
      model: { depth: 1, baseFilters: 2 },
      checkpoint: store,
    };
    (await trainUNet(opts)).model.dispose();
    await expect(trainUNet({ ...opts, resume: true, learningRate: 0.1 })).rejects.toThrow(/learningRate/);
    // More epochs is fine: the run extends.
    const r = await trainUNet({ ...opts, resume: true, epochs: 2 });
    expect(r.resumedFrom).toEqual({ epoch: 1, step: 0 });
    expect(r.history).toHaveLength(2);
    r.model.dispose();
  });

  it('takes batches from a batchSource (the worker pool hook) with the same losses, and closes it', async () => {
    const { images, labels } = tinyProblem(3, 16, 16, 4);
    const opts = {
      images,
      labels,
      width: 16,
      height: 16,
      validation: [2],
      epochs: 2,
      stepsPerEpoch: 2,
      tileSize: 8,
      model: { depth: 1, baseFilters: 2 },
    };
    const inlineLosses: number[] = [];
    const inline = await trainUNet({ ...opts, onBatchEnd: (i) => void inlineLosses.push(i.loss) });
    inline.model.dispose();
    const seen: BatchRequest[] = [];
    const events: string[] = [];
    const sourceLosses: number[] = [];
    const viaSource = await trainUNet({
      ...opts,
      onBatchEnd: (i) => void sourceLosses.push(i.loss),
      batchSource: (ctx) => {
        events.push(`open ${ctx.stepsPerEpoch}x${ctx.epochs} train ${ctx.train.join(',')}`);
        return {
          batch: async (req) => {
            seen.push(req);
            // A source may make batches ahead from ctx.plan: it gives the same request.
            expect(ctx.plan(req.epoch, req.step)).toEqual(req);
            const r = ctx.plan(req.epoch, req.step);
            return makeBatch(ctx.stack, ctx.labels, r.indices, r.tile, r.augment, r.weights, r.seed);
          },
          close: () => void events.push('close'),
        };
      },
    });
    viaSource.model.dispose();
    expect(seen.map((r) => [r.epoch, r.step])).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    expect(events).toEqual(['open 2x2 train 0,1', 'close']);
    expect(sourceLosses).toEqual(inlineLosses);
    expect(viaSource.history[0]!.batchSeconds).toBeGreaterThanOrEqual(0);

    // A wrong batch fails the run clearly, and the source is still closed.
    const closed: string[] = [];
    const wrong = (make: (req: BatchRequest) => ReturnType<typeof makeBatch>): Promise<unknown> =>
      trainUNet({
        ...opts,
        batchSource: () => ({ batch: make, close: () => void closed.push('x') }),
      });
    const other = { data: new Float32Array(512), width: 16, height: 16, count: 2 };
    const otherLabels = new Uint8Array(512);
    await expect(
      wrong((req) => makeBatch(other, otherLabels, [0], req.tile, false, false, 0)),
    ).rejects.toThrow(/batchSource returned 1 tiles/);
    await expect(
      wrong((req) => makeBatch(other, otherLabels, [1, 1], req.tile, false, false, 0)),
    ).rejects.toThrow(/batchSource returned slices 1,1 for epoch 0 step 0/);
    await expect(
      trainUNet({
        ...opts,
        batchSource: () => ({
          batch: () => Promise.reject(new Error('pool died')),
          close: () => {
            closed.push('y');
            throw new Error('close failed too'); // does not hide the run's own error
          },
        }),
      }),
    ).rejects.toThrow('pool died');
    expect(closed).toEqual(['x', 'x', 'y']);
  });

  it('closes the batch source when the run is aborted', async () => {
    const { images, labels } = tinyProblem(3, 16, 16, 4);
    const ac = new AbortController();
    let closes = 0;
    const r = await trainUNet({
      images,
      labels,
      width: 16,
      height: 16,
      validation: [2],
      epochs: 3,
      stepsPerEpoch: 4,
      tileSize: 8,
      model: { depth: 1, baseFilters: 2 },
      signal: ac.signal,
      onBatchEnd: (i) => {
        if (i.globalStep === 2) ac.abort();
      },
      batchSource: (ctx) => ({
        batch: (req) =>
          makeBatch(ctx.stack, ctx.labels, req.indices, req.tile, req.augment, req.weights, req.seed),
        close: () => void closes++,
      }),
    });
    r.model.dispose();
    expect(r.aborted).toBe(true);
    expect(closes).toBe(1);
  });
});
