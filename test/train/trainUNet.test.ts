import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyProblem } from './helpers.js';
import { Rng } from '../../src/random/index.js';

import { initBackend } from '../../src/backend/index.js';
import { UNetConfigError } from '../../src/model/index.js';
import {
  averageDecayAt,
  CheckpointError,
  makeBatch,
  MemoryCheckpointStore,
  modelToFiles,
  readJsonFile,
  TrainConfigError,
  trainUNet,
} from '../../src/train/index.js';
import type {
  BatchRequest,
  CheckpointFiles,
  EpochRecord,
  TrainOptions,
  TrainResult,
} from '../../src/train/index.js';

// 'wasm' with unet-wasm's gradient kernels: about 5x faster than 'cpu' on these tiny shapes.
beforeAll(async () => {
  await initBackend('wasm');
});

async function weightsOf(model: import('@tensorflow/tfjs-layers').LayersModel): Promise<Float32Array[]> {
  return Promise.all(model.getWeights().map(async (w) => new Float32Array(await w.data())));
}

/**
 * An uninterrupted run of `opts` (its final weights and history), and the same run aborted after
 * the first step of its second epoch, whose checkpoints are in `store`.
 */
async function fullAndAborted(opts: TrainOptions): Promise<{
  ref: Float32Array[];
  history: EpochRecord[];
  part: TrainResult;
  store: MemoryCheckpointStore;
}> {
  const full = await trainUNet(opts);
  const ref = await weightsOf(full.model);
  full.model.dispose();
  const store = new MemoryCheckpointStore();
  const ctl = new AbortController();
  const part = await trainUNet({
    ...opts,
    checkpoint: store,
    signal: ctl.signal,
    onBatchEnd: (i) => {
      if (i.epoch === 1 && i.step === 0) ctl.abort();
    },
  });
  part.model.dispose();
  return { ref, history: full.history, part, store };
}

/** A memory store that also keeps a copy of every save, in order. */
class RecordingStore extends MemoryCheckpointStore {
  readonly saves: { name: string; files: Record<string, Uint8Array> }[] = [];
  override async save(name: string, files: CheckpointFiles): Promise<void> {
    await super.save(name, files);
    this.saves.push({ name, files: await super.load(name) });
  }
}

function floats(bytes: Uint8Array): Float32Array {
  return new Float32Array(bytes.slice().buffer);
}

async function concatWeights(model: import('@tensorflow/tfjs-layers').LayersModel): Promise<Float32Array> {
  const parts = await weightsOf(model);
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** A model's weights as exact float32 bit patterns (NaN-safe equality for toEqual). */
function bits(a: Float32Array): number[] {
  return Array.from(new Uint32Array(a.slice().buffer));
}

/** The tiny problem's run: 24² slices, slice 4 for validation, 3 epochs of 8 steps, a 2-level U-Net. */
const TINY_RUN = {
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
} as const satisfies Partial<TrainOptions>;

describe('trainUNet', () => {
  it('learns a tiny problem (loss falls clearly) with a flat tensor count', async () => {
    const { images, labels } = tinyProblem(5, 24, 24);
    const counts: number[] = [];
    const losses: number[] = [];
    const start = tf.memory().numTensors;
    const r = await trainUNet({
      images,
      labels,
      ...TINY_RUN,
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

  it('trains on multi-channel images (channels option): the signal in channel 2 alone is learnt', async () => {
    const { images, labels } = tinyProblem(5, 24, 24);
    const C = 3;
    const plane = 24 * 24;
    // Channels 0 and 1 are noise; only channel 2 carries the image the labels come from.
    const rng = new Rng(12345);
    const noise = (): number => rng.next() * 200;
    const multi = new Float32Array(5 * plane * C);
    for (let i = 0; i < 5 * plane; i++) {
      multi[i * C] = noise();
      multi[i * C + 1] = noise();
      multi[i * C + 2] = images[i]!;
    }
    const counts: number[] = [];
    const start = tf.memory().numTensors;
    const opts: TrainOptions = {
      images: multi,
      labels,
      channels: C,
      ...TINY_RUN,
      onBatchEnd: () => {
        counts.push(tf.memory().numTensors);
      },
    };
    const r = await trainUNet(opts);
    expect(r.config.model.inChannels).toBe(C);
    expect(r.model.inputs[0]!.shape).toEqual([null, null, null, C]);
    expect(r.history[2]!.loss).toBeLessThan(0.75 * r.history[0]!.loss);
    expect(r.history[2]!.validation!.pixelAccuracy).toBeGreaterThan(r.majorityBaseline + 0.1);
    expect(new Set(counts.slice(1)).size).toBe(1);
    r.model.dispose();
    expect(tf.memory().numTensors).toBe(start);
    await expect(trainUNet({ ...opts, channels: 2 })).rejects.toThrow(/whole number of 24x24x2 slices/);
    await expect(trainUNet({ ...opts, channels: 0 })).rejects.toThrow(/channels/);
    await expect(trainUNet({ ...opts, labels: labels.subarray(plane) })).rejects.toThrow(
      /labels have 4 slices/,
    );
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
    const { ref, history, part, store } = await fullAndAborted(base);
    expect(part.aborted).toBe(true);
    expect(part.history).toHaveLength(1);
    const st = readJsonFile<{ epoch: number; step: number }>(await store.load('last'), 'state.json');
    expect([st.epoch, st.step]).toEqual([1, 1]);

    const resumed = await trainUNet({ ...base, checkpoint: store, resume: true });
    expect(resumed.resumedFrom).toEqual({ epoch: 1, step: 1 });
    expect(resumed.aborted).toBe(false);
    const got = await weightsOf(resumed.model);
    resumed.model.dispose();
    expect(got.length).toBe(ref.length);
    got.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(ref[i]!)));
    expect(resumed.history.map((h) => h.loss)).toEqual(history.map((h) => h.loss));
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

  describe('initialWeights', () => {
    const { images, labels } = tinyProblem(3, 16, 16, 4);
    const base: TrainOptions = {
      images,
      labels,
      width: 16,
      height: 16,
      validation: [2],
      epochs: 1,
      stepsPerEpoch: 2,
      batchSize: 1,
      tileSize: 8,
      augment: false,
      model: { depth: 1, baseFilters: 2, batchNorm: true },
      seed: 3,
    };

    // What a checkpoint store returns: every file as bytes.
    const asBytes = async (m: TrainResult['model']): Promise<Record<string, Uint8Array>> => {
      const f = await modelToFiles(m);
      return { 'model.json': new TextEncoder().encode(f['model.json']), 'weights.bin': f['weights.bin'] };
    };

    it('starts from the given model instead of the seeded initialisation; a resume takes precedence', async () => {
      const a = await trainUNet(base);
      const files = await asBytes(a.model);
      const trained = await weightsOf(a.model);
      const names = new Set(a.model.trainableWeights.map((w) => w.name));
      const isTrainable = a.model.weights.map((w) => names.has(w.name));
      a.model.dispose();
      const fresh = await trainUNet({ ...base, epochs: 0 });
      const freshW = await weightsOf(fresh.model);
      fresh.model.dispose();
      // Every tensor (moving statistics included) comes from the files, not from the seed.
      const warm = await trainUNet({ ...base, epochs: 0, initialWeights: files });
      expect(await weightsOf(warm.model)).toEqual(trained);
      expect(trained).not.toEqual(freshW);
      warm.model.dispose();
      // Training continues from them: with a negligible rate the trainable weights stay put.
      const cont = await trainUNet({ ...base, initialWeights: files, learningRate: 1e-9, seed: 5 });
      const trainable = (m: TrainResult['model']): Float32Array[] =>
        m.trainableWeights.map((w) => w.read().dataSync() as Float32Array);
      const trainedTrainable = trained.filter((_, i) => isTrainable[i]);
      const diff = Math.max(
        ...trainable(cont.model).map((w, i) =>
          Math.max(...w.map((v, j) => Math.abs(v - trainedTrainable[i]![j]!))),
        ),
      );
      expect(diff).toBeLessThan(1e-4);
      cont.model.dispose();
      // A 'last' checkpoint wins over initialWeights when resuming.
      const store = new MemoryCheckpointStore();
      const first = await trainUNet({ ...base, epochs: 1, checkpoint: store });
      first.model.dispose();
      const resumed = await trainUNet({
        ...base,
        epochs: 1,
        checkpoint: store,
        resume: true,
        initialWeights: files,
      });
      const lastFiles = await store.load('last');
      const fromLast = await trainUNet({ ...base, epochs: 0, initialWeights: lastFiles });
      expect(await weightsOf(resumed.model)).toEqual(await weightsOf(fromLast.model));
      resumed.model.dispose();
      fromLast.model.dispose();
    });

    it('rejects files of another architecture with a clear error', async () => {
      const other = await trainUNet({
        ...base,
        epochs: 0,
        model: { depth: 1, baseFilters: 3, batchNorm: true },
      });
      const files = await asBytes(other.model);
      other.model.dispose();
      await expect(trainUNet({ ...base, initialWeights: files })).rejects.toThrow(CheckpointError);
    });
  });

  describe('weightAverage (EMA of the weights)', () => {
    const { images, labels } = tinyProblem(3, 16, 16, 6);
    const base: TrainOptions = {
      images,
      labels,
      width: 16,
      height: 16,
      validation: [2],
      epochs: 3,
      stepsPerEpoch: 2,
      batchSize: 1,
      tileSize: 8,
      learningRate: 2e-2,
      augment: false,
      weights: false,
      // No batch norm: every weight is trainable, so weights.bin is exactly the averaged vector.
      model: { depth: 1, baseFilters: 2 },
      seed: 2,
    };
    // (1 + t)/(10 + t) passes 0.3 at t = 3: the run covers the warm-up and the plain decay.
    const decay = 0.3;

    it('leaves training alone; validation, checkpoints and the returned model use the average', async () => {
      const plain = await trainUNet(base);
      const plainLive = await concatWeights(plain.model);
      plain.model.dispose();
      const initial = await trainUNet({ ...base, epochs: 0 });
      let avg = await concatWeights(initial.model);
      initial.model.dispose();

      const store = new RecordingStore();
      const counts: number[] = [];
      const start = tf.memory().numTensors;
      const r = await trainUNet({
        ...base,
        weightAverage: decay,
        checkpoint: store,
        checkpointEvery: 1,
        onBatchEnd: () => void counts.push(tf.memory().numTensors),
      });
      expect(r.config.weightAverage).toBe(decay);
      // Same losses as without the average: it never feeds back into training.
      expect(r.history.map((h) => h.loss)).toEqual(plain.history.map((h) => h.loss));
      // …but validation saw other (the averaged) weights.
      expect(r.history.map((h) => h.validation!.loss)).not.toEqual(
        plain.history.map((h) => h.validation!.loss),
      );
      // One 'last' per step (checkpointEvery 1 mid-epoch, plus each epoch's end).
      const lasts = store.saves.filter((x) => x.name === 'last').map((x) => x.files);
      expect(lasts.map((f) => readJsonFile<{ globalStep: number }>(f, 'state.json').globalStep)).toEqual([
        1, 2, 3, 4, 5, 6,
      ]);
      // The hand-computed average of the live weights of every step, float32 after every operation.
      const f = Math.fround;
      lasts.forEach((files, k) => {
        const live = floats(files['live-weights.bin']!);
        const d = averageDecayAt(decay, k + 1);
        avg = avg.map((s, i) => f(f(s * f(d)) + f(live[i]! * f(1 - d))));
        expect(bits(floats(files['weights.bin']!)), `step ${k + 1}`).toEqual(bits(avg));
      });
      // The live weights at the end are the plain run's; the returned model is the average.
      expect(bits(floats(lasts[5]!['live-weights.bin']!))).toEqual(bits(plainLive));
      const got = await concatWeights(r.model);
      expect(bits(got)).toEqual(bits(avg));
      expect(bits(got)).not.toEqual(bits(plainLive));
      // Adam's moments appear at the first step, the shadow before it; nothing accumulates after.
      expect(new Set(counts.slice(1)).size).toBe(1);
      expect(tf.memory().numTensors - start).toBe(r.model.weights.length);
      r.model.dispose();
      expect(tf.memory().numTensors).toBe(start);
    });

    it('resumes an aborted run to exactly the weights and history of an uninterrupted one', async () => {
      const opts: TrainOptions = {
        ...base,
        epochs: 2,
        stepsPerEpoch: 3,
        batchSize: 2,
        validation: 0.34,
        learningRateSchedule: { type: 'cosine', steps: 5 },
        augment: {},
        weights: {},
        // Batch norm (moving statistics stay live) and dropout counters must replay too.
        model: { depth: 1, baseFilters: 3, batchNorm: true, dropout: 0.2 },
        seed: 7,
        weightAverage: 0.5,
      };
      const { ref, history, part, store } = await fullAndAborted(opts);
      expect(part.aborted).toBe(true);
      const files = await store.load('last');
      expect(Object.keys(files).sort()).toEqual([
        'live-weights.bin',
        'model.json',
        'optimizer.bin',
        'state.json',
        'weights.bin',
      ]);

      const resumed = await trainUNet({ ...opts, checkpoint: store, resume: true });
      expect(resumed.resumedFrom).toEqual({ epoch: 1, step: 1 });
      const got = await weightsOf(resumed.model);
      resumed.model.dispose();
      expect(got.length).toBe(ref.length);
      got.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(ref[i]!)));
      const scores = (h: typeof history): unknown[] => h.map((e) => [e.loss, e.validation]);
      expect(scores(resumed.history)).toEqual(scores(history));

      // Without live-weights.bin an averaged run cannot resume exactly: refused.
      const { 'live-weights.bin': _live, ...withoutLive } = files;
      const broken = new MemoryCheckpointStore();
      await broken.save('last', withoutLive);
      await expect(trainUNet({ ...opts, checkpoint: broken, resume: true })).rejects.toThrow(
        /missing live-weights.bin/,
      );
      await broken.save('last', { ...files, 'live-weights.bin': files['live-weights.bin']!.subarray(4) });
      await expect(trainUNet({ ...opts, checkpoint: broken, resume: true })).rejects.toThrow(CheckpointError);
      // Another decay (or none) is another run.
      await expect(
        trainUNet({ ...opts, weightAverage: 0.9, checkpoint: store, resume: true }),
      ).rejects.toThrow(/different options \(weightAverage\)/);
      await expect(trainUNet({ ...opts, weightAverage: 0, checkpoint: store, resume: true })).rejects.toThrow(
        /different options \(weightAverage\)/,
      );
    });

    it('is off at 0: the same run, config and checkpoint files as without the option', async () => {
      const storeA = new MemoryCheckpointStore();
      const storeB = new MemoryCheckpointStore();
      const a = await trainUNet({ ...base, checkpoint: storeA });
      const b = await trainUNet({ ...base, weightAverage: 0, checkpoint: storeB });
      expect(JSON.stringify(b.config)).toBe(JSON.stringify(a.config));
      expect('weightAverage' in b.config).toBe(false);
      const scores = (h: typeof a.history): unknown[] => h.map((e) => [e.loss, e.validation]);
      expect(scores(b.history)).toEqual(scores(a.history));
      expect(bits(await concatWeights(b.model))).toEqual(bits(await concatWeights(a.model)));
      for (const name of ['last', 'best']) {
        const fa = await storeA.load(name);
        const fb = await storeB.load(name);
        expect(Object.keys(fb).sort()).toEqual(Object.keys(fa).sort());
        expect('live-weights.bin' in fb).toBe(false);
        for (const k of ['weights.bin', 'optimizer.bin', 'model.json'])
          expect(Array.from(fb[k]!), `${name}/${k}`).toEqual(Array.from(fa[k]!));
      }
      a.model.dispose();
      b.model.dispose();
    });

    it('rejects a decay outside [0, 1) with TrainConfigError', async () => {
      for (const bad of [-0.1, 1, NaN, '0.9']) {
        await expect(trainUNet({ ...base, weightAverage: bad as number }), String(bad)).rejects.toThrow(
          TrainConfigError,
        );
      }
    });
  });
});
