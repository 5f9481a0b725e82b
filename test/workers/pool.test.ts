import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { batchFn } from '../../workers/batchFn.js';
import type { PoolBatchArgs, PoolBatchOptions } from '../../workers/batchFn.js';
import { createNodeBatchPool } from '../../workers/node.js';
import { WorkerPoolError, shareStack } from '../../workers/index.js';
import type { BatchPool, BatchPoolStats, BatchRecord, StackData } from '../../workers/index.js';
import type { BatchSourceContext } from '../../src/train/index.js';
import { Rng, mixSeed } from '../../src/random/index.js';
import { defaultAugmentConfig } from '../../src/augment/index.js';
import { batchSeed, epochOrder, makeBatch, stepIndices } from '../../src/train/index.js';
import { trainerPlan } from '../../workers/trainerPlan.js';
import { nodePoolBatchSource } from '../../workers/nodeSource.js';
import { bundleWorker } from './bundle.js';

const SEED = 1234;
const STEPS = 4;
const BATCH = 2;
const [N, H, W] = [6, 40, 36];

function makeStack(): StackData {
  const rng = new Rng(7);
  const images = new Float32Array(N * H * W);
  const labels = new Uint8Array(N * H * W);
  for (let i = 0; i < images.length; i++) {
    images[i] = rng.next();
    labels[i] = rng.chance(0.3) ? 0 : 1;
  }
  return { images, labels, shape: [N, H, W] };
}

/** The trainer-side plan: a seeded shuffle per epoch, BATCH slices per step, one seed per step. */
function plan(epoch: number, index: number): PoolBatchArgs {
  const order = new Rng(mixSeed(SEED, epoch)).shuffle([0, 1, 2, 3, 4, 5]);
  const indices = Array.from({ length: BATCH }, (_, b) => order[(index * BATCH + b) % N]!);
  return { indices, seed: mixSeed(SEED, epoch, index) };
}

const batchOptions: PoolBatchOptions = {
  tile: { inputSize: 16, outputSize: 16 },
  augment: false,
  weights: false,
};

function threads(): number {
  const m = /Threads:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : NaN;
}

let entry: URL;
let faulty: URL;
const open: BatchPool[] = [];

beforeAll(async () => {
  entry = await bundleWorker('workers/node-entry.ts');
  faulty = await bundleWorker('test/workers/fixtures/faulty-entry.ts');
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

function pool(opts: Partial<Parameters<typeof createNodeBatchPool>[0]> = {}): BatchPool {
  const p = createNodeBatchPool({
    stack: makeStack(),
    batchOptions,
    plan,
    stepsPerEpoch: STEPS,
    workerUrl: entry,
    workers: 1,
    ...opts,
  });
  open.push(p);
  return p;
}

/** A trainer's batch-source context over `stack`: training slices 0–3, seed 4, 2 tiles of 16² per step. */
function trainerContext(
  stack: BatchSourceContext['stack'],
  labels: Uint8Array,
  augment: BatchSourceContext['augment'],
  weights: BatchSourceContext['weights'],
): BatchSourceContext {
  const train = [0, 1, 2, 3];
  const tile = { inputSize: 16, outputSize: 16 };
  return {
    stack,
    labels,
    tile,
    augment,
    weights,
    train,
    seed: 4,
    batchSize: 2,
    stepsPerEpoch: 3,
    epochs: 2,
    plan: (epoch, step) => ({
      epoch,
      step,
      indices: stepIndices(epochOrder(train, 4, epoch).order, step, 2),
      seed: batchSeed(4, epoch, step),
      tile,
      augment,
      weights,
    }),
  };
}

function reference(epoch: number, index: number): BatchRecord {
  return batchFn(makeStack(), batchOptions, { epoch, index, args: plan(epoch, index) });
}

describe('BatchPool on worker_threads', () => {
  it.each([1, 3])('gives the same batches as the training thread with %i worker(s)', async (workers) => {
    const p = pool({ workers, prefetch: 4 });
    await p.ready();
    for (let e = 0; e < 2; e++) {
      for (let k = 0; k < STEPS; k++) {
        const got = await p.batch(e, k);
        const want = reference(e, k);
        expect(got.images).toEqual(want.images);
        expect(got.labels).toEqual(want.labels);
        expect(got.weights).toEqual(want.weights);
        expect(got.indices).toEqual(want.indices);
      }
    }
    expect(p.stats().batches).toBe(2 * STEPS);
  });

  it('runs the real augmentation and weight maps off-thread with identical results (3 workers)', async () => {
    const full: PoolBatchOptions = {
      tile: { inputSize: 20, outputSize: 20 },
      augment: { ...defaultAugmentConfig },
      weights: { w0: 10, sigma: 5 },
    };
    const p = pool({ workers: 3, batchOptions: full });
    for (let k = 0; k < STEPS; k++) {
      const got = await p.batch(1, k);
      const want = batchFn(makeStack(), full, { epoch: 1, index: k, args: plan(1, k) });
      expect(got.images).toEqual(want.images);
      expect(got.labels).toEqual(want.labels);
      expect(got.weights).toEqual(want.weights);
      // The weight map is really on: not all ones.
      expect((got.weights as Float32Array).some((w) => w !== 1)).toBe(true);
    }
  });

  it("with trainerPlan, gives exactly trainUNet's inline batches", async () => {
    const train = [0, 1, 2, 4];
    const p = pool({ workers: 2, plan: trainerPlan({ train, seed: 99, batchSize: 3 }) });
    const stack = makeStack();
    for (const [e, k] of [
      [0, 0],
      [0, 1],
      [2, 3],
    ] as const) {
      const inline = makeBatch(
        { data: stack.images as Float32Array, width: W, height: H, count: N },
        stack.labels,
        stepIndices(epochOrder(train, 99, e).order, k, 3),
        batchOptions.tile,
        false,
        false,
        batchSeed(99, e, k),
      );
      const got = await p.batch(e, k);
      expect(got.indices).toEqual(inline.indices);
      expect(got.images).toEqual(inline.images);
      expect(got.labels).toEqual(inline.labels);
    }
  });

  it('nodePoolBatchSource serves a trainer context with its inline batches', async () => {
    const stack = makeStack();
    const ctx = trainerContext(
      { data: stack.images as Float32Array, width: W, height: H, count: N },
      stack.labels,
      false,
      {},
    );
    const { tile } = ctx;
    let closedStats: BatchPoolStats | null = null;
    const source = nodePoolBatchSource({
      workers: 2,
      workerUrl: entry,
      onClose: (s) => (closedStats = s),
    })(ctx);
    try {
      const req = ctx.plan(1, 2);
      const b = await source.batch(req);
      const inline = makeBatch(ctx.stack, ctx.labels, req.indices, tile, false, {}, req.seed);
      expect(b.images).toEqual(inline.images);
      expect(b.weights).toEqual(inline.weights);
      expect(b.indices).toEqual(inline.indices);
    } finally {
      await source.close?.();
    }
    expect(closedStats).toMatchObject({ batches: 1 });
  });

  it('carries multi-channel stacks: the workers warp every channel as the trainer does', async () => {
    const C = 3;
    const rng = new Rng(11);
    const data = Float32Array.from({ length: N * H * W * C }, () => rng.next());
    const labels = makeStack().labels;
    const augment = { ...defaultAugmentConfig };
    const ctx = trainerContext({ data, width: W, height: H, count: N, channels: C }, labels, augment, false);
    const { tile } = ctx;
    const source = nodePoolBatchSource({ workers: 2, workerUrl: entry })(ctx);
    try {
      for (const [e, k] of [
        [0, 1],
        [1, 2],
      ] as const) {
        const req = ctx.plan(e, k);
        const b = await source.batch(req);
        const inline = makeBatch(ctx.stack, labels, req.indices, tile, augment, false, req.seed);
        expect(b.channels).toBe(C);
        expect(b.images.length).toBe(2 * 16 * 16 * C);
        expect(b.images).toEqual(inline.images);
        expect(b.labels).toEqual(inline.labels);
      }
    } finally {
      await source.close?.();
    }
  });

  it('gives the same batch for (seed, epoch, k) when the consumer jumps (resume)', async () => {
    const p = pool({ workers: 2 });
    const later = await p.batch(3, 2);
    expect(later.images).toEqual(reference(3, 2).images);
    const earlier = await p.batch(0, 1);
    expect(earlier.images).toEqual(reference(0, 1).images);
    // Different keys give different batches (the plan and seeds really vary).
    expect(earlier.images).not.toEqual(later.images);
  });

  it('prefetches: batches are ready before they are requested', async () => {
    const p = pool({ workers: 2, prefetch: 3 });
    await p.batch(0, 0);
    await new Promise((r) => setTimeout(r, 300));
    await p.batch(0, 1);
    await p.batch(0, 2);
    expect(p.stats().ready).toBe(2);
  });

  it('rejects a batch that throws in the worker, with the cause, and fails later requests', async () => {
    const bad = { ...batchOptions, tile: { inputSize: 17, outputSize: 16 } };
    const p = pool({ workers: 3, batchOptions: bad });
    const err = await p.batch(0, 0).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerPoolError);
    expect((err as Error).message).toMatch(/TrainConfigError: bad tile spec/);
    await expect(p.batch(0, 1)).rejects.toThrow(/TrainConfigError/);
  });

  it.each([
    ['throw', /RangeError: bad batch on purpose/],
    ['exit', /exited unexpectedly with code 3/],
    ['uncaught', /uncaught boom/],
    ['hang', /took more than 500 ms/],
  ])('a worker that does "%s" fails the run without a hang', async (mode, message) => {
    const p = pool({
      workers: 2,
      workerUrl: faulty,
      batchOptions: { ...batchOptions, mode },
      batchTimeoutMs: 500,
    });
    // Several requests in flight at once, then in order until the failure surfaces.
    const first = await Promise.allSettled([p.batch(0, 0), p.batch(0, 1)]);
    let error = first.find((r) => r.status === 'rejected')?.reason as unknown;
    // A worker's 'error'/'exit' event is a macrotask that may arrive after several more batches on
    // a loaded machine: keep asking (yielding a timer turn each time) for up to 5 s.
    const deadline = Date.now() + 5000;
    for (let k = 2; error === undefined && Date.now() < deadline; k++) {
      error = await p.batch(Math.floor(k / STEPS), k % STEPS).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (error === undefined) await new Promise((r) => setTimeout(r, 5));
    }
    expect(error).toBeInstanceOf(WorkerPoolError);
    expect((error as Error).message).toMatch(message);
    await expect(p.batch(0, 3)).rejects.toBeInstanceOf(WorkerPoolError);
  });

  it('fails clearly when a worker never starts', async () => {
    const silent = await bundleWorker('test/workers/fixtures/silent-entry.ts');
    const p = pool({ workerUrl: silent, batchTimeoutMs: 400 });
    await expect(p.batch(0, 0)).rejects.toThrow(/did not start within 400 ms/);
  });

  it('fails clearly when the worker script does not exist', async () => {
    const p = pool({ workerUrl: new URL('file:///nonexistent/worker.mjs') });
    await expect(p.batch(0, 0)).rejects.toThrow(/batch worker 0 failed/);
  });

  it('close() ends every worker thread and rejects what is pending', async () => {
    await pool({ workers: 1 }).close(); // warm up Node's own lazily started threads
    const before = threads();
    const p = pool({ workers: 3 });
    await p.ready();
    expect(threads()).toBeGreaterThanOrEqual(before + 3);
    const pending = expect(p.batch(0, 0)).rejects.toThrow(/closed/);
    await p.close();
    await pending;
    await expect(p.batch(0, 1)).rejects.toThrow(/closed/);
    expect(threads()).toBe(before);
  });

  it('shares the stack once instead of copying it to each worker', () => {
    const stack = makeStack();
    const shared = shareStack(stack);
    expect(shared.images.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.labels.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(shared.images).toEqual(stack.images);
    expect(shareStack(shared)).toBe(shared);
  });

  it('validates its options', () => {
    expect(() => pool({ workers: 0 })).toThrow(WorkerPoolError);
    expect(() => pool({ stepsPerEpoch: 1.5 })).toThrow(/stepsPerEpoch/);
    expect(() => pool({ stack: { ...makeStack(), shape: [N, H, W + 1] } })).toThrow(/does not match/);
    expect(() => pool({ stack: { ...makeStack(), channels: 2 } })).toThrow(/× 2 channels does not match/);
    expect(() => pool({ stack: { ...makeStack(), channels: 0 } })).toThrow(/does not match/);
  });
});
