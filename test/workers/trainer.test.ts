// trainUNet with its batches from the worker pool: same losses as inline for any number of
// workers, pool failures fail the run, and the pool's threads are gone when the run ends.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { makeBatch, trainUNet } from '../../src/train/index.js';
import { decodeTiff, tiffToStack } from '../../src/tiff/index.js';
import type { BatchSourceContext, StackInput, TrainOptions } from '../../src/train/index.js';
import { trainUNet as trainNode } from '../../src/node/trainUNet.js';
import { findNodeSource, nodeSourceCandidates } from '../../src/node/batchWorkers.js';
import { nodePoolBatchSource } from '../../workers/nodeSource.js';
import { WorkerPoolError } from '../../workers/index.js';
import { tinyProblem } from '../train/helpers.js';
import { bundleWorker } from './bundle.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const isbi = join(root, '../shared/data/isbi2012');
const hasIsbi = existsSync(join(isbi, 'train-volume.tif')) && existsSync(join(isbi, 'train-labels.tif'));
if (!hasIsbi) console.warn(`skipping the pooled-batches-on-ISBI test: ${isbi} is missing`);
const built = join(root, 'dist/workers/node-source.js');
const hasBuild = existsSync(built);
if (!hasBuild) {
  console.warn(
    `skipping the Node trainer's workers option tests: ${built} is missing (npm run build:workers)`,
  );
}

const bytes = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function threads(): number {
  const m = /Threads:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/**
 * The thread count once it is back to `want`, or after 5 s: an ended worker's OS thread can take a
 * moment to go under a full parallel test run (a CI run saw one thread too many right after a
 * pooled run, which passed 6 of 6 times alone). A thread that stays still fails.
 */
async function threadsSettled(want: number): Promise<number> {
  const end = Date.now() + 5000;
  let n = threads();
  while (n !== want && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    n = threads();
  }
  return n;
}

const { images, labels } = tinyProblem(4, 24, 24, 3);
// Full augmentation and weight maps (the defaults): the work the pool takes off the trainer.
const base: TrainOptions = {
  images,
  labels,
  width: 24,
  height: 24,
  validation: [3],
  epochs: 2,
  stepsPerEpoch: 3,
  batchSize: 2,
  tileSize: 16,
  model: { depth: 1, baseFilters: 2 },
  seed: 11,
};

async function losses(o: Partial<TrainOptions> = {}): Promise<number[]> {
  const out: number[] = [];
  const r = await trainUNet({ ...base, ...o, onBatchEnd: (i) => void out.push(i.loss) });
  r.model.dispose();
  return out;
}

let entry: URL;
beforeAll(async () => {
  await initBackend('wasm');
  entry = await bundleWorker('workers/node-entry.ts');
});

describe('trainUNet with the worker pool', () => {
  it('gives bit-identical losses with 0 (inline), 1 and 2 workers, and ends its threads', async () => {
    const inline = await losses();
    expect(inline).toHaveLength(6);
    const before = threads();
    for (const workers of [1, 2]) {
      const got = await losses({ batchSource: nodePoolBatchSource({ workers, workerUrl: entry }) });
      expect(got).toEqual(inline);
      expect(await threadsSettled(before)).toBe(before);
    }
    // The seed really matters (the comparison above is not vacuous).
    expect(await losses({ seed: 12 })).not.toEqual(inline);
  }, 60_000);

  it('fails the run cleanly when a worker dies, with its threads gone', async () => {
    const crash = await bundleWorker('test/workers/fixtures/crash-entry.ts');
    const before = threads();
    const err = await losses({ batchSource: nodePoolBatchSource({ workers: 2, workerUrl: crash }) }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WorkerPoolError);
    expect((err as Error).message).toMatch(/exited unexpectedly with code 3/);
    expect(await threadsSettled(before)).toBe(before);
  }, 60_000);

  it.skipIf(!hasIsbi)(
    'gives the inline batches on ISBI slices (tile 256, batch 4, augmentation + weight maps)',
    async () => {
      const read = (f: string): StackInput =>
        tiffToStack(decodeTiff(readFileSync(join(isbi, f)))) as StackInput;
      const pool = nodePoolBatchSource({ workers: 2, workerUrl: entry });
      let compared = 0;
      const r = await trainUNet({
        images: read('train-volume.tif'),
        labels: read('train-labels.tif'),
        validation: 0,
        epochs: 2,
        stepsPerEpoch: 2,
        batchSize: 4,
        tileSize: 256,
        model: { depth: 1, baseFilters: 2 },
        seed: 5,
        // The pool's batches, checked against makeBatch on the training thread.
        batchSource: (ctx: BatchSourceContext) => {
          const src = pool(ctx);
          return {
            batch: async (req) => {
              const got = await src.batch(req);
              const want = makeBatch(
                ctx.stack,
                ctx.labels,
                req.indices,
                req.tile,
                req.augment,
                req.weights,
                req.seed,
              );
              expect(got.indices).toEqual(want.indices);
              // Byte equality (toEqual on 256² x 4 typed arrays is slow).
              for (const k of ['images', 'labels', 'weights'] as const) {
                expect(bytes(got[k]).equals(bytes(want[k])), k).toBe(true);
              }
              compared++;
              return got;
            },
            close: () => src.close?.(),
          };
        },
      });
      r.model.dispose();
      expect(compared).toBe(4);
    },
    60_000,
  );

  it('closes the pool when the run is aborted', async () => {
    const before = threads();
    const ac = new AbortController();
    const r = await trainUNet({
      ...base,
      signal: ac.signal,
      onBatchEnd: (i) => {
        if (i.globalStep === 2) ac.abort();
      },
      batchSource: nodePoolBatchSource({ workers: 2, workerUrl: entry }),
    });
    r.model.dispose();
    expect(r.aborted).toBe(true);
    expect(await threadsSettled(before)).toBe(before);
  }, 60_000);
});

describe.skipIf(!hasBuild)("the Node trainer's workers option (dist/workers)", () => {
  it('finds the built pool from src/ and from dist/', () => {
    expect(nodeSourceCandidates('file:///x/dist/node/trainUNet.js').map((u) => u.pathname)).toEqual([
      '/x/dist/workers/node-source.js',
    ]);
    expect(nodeSourceCandidates('file:///x/src/node/trainUNet.ts').map((u) => u.pathname)).toEqual([
      '/x/src/workers/node-source.js',
      '/x/dist/workers/node-source.js',
    ]);
    expect(findNodeSource([new URL('file:///nope/a.js'), new URL(`file://${built}`)]).pathname).toBe(built);
    expect(() => findNodeSource([new URL('file:///nope/dist/workers/node-source.js')])).toThrow(
      /pool is not built \(\/nope\/dist\/workers\/node-source.js is missing\): run `npm run build:workers`, or train with workers: 0/,
    );
  });

  it('workers: 0, 1 and 2 give the same losses', async () => {
    let before = NaN;
    const run = async (workers: number): Promise<number[]> => {
      const out: number[] = [];
      let most = 0;
      const r = await trainNode({
        ...base,
        workers,
        onBatchEnd: (i) => {
          out.push(i.loss);
          most = Math.max(most, threads());
        },
      });
      r.model.dispose();
      if (workers > 0) {
        // The workers really ran, and are gone again.
        expect(most - before).toBeGreaterThanOrEqual(workers);
        expect(await threadsSettled(before)).toBe(before);
      }
      return out;
    };
    const inline = await run(0);
    before = threads(); // after the backend's own threads have started
    expect(await run(1)).toEqual(inline);
    expect(await run(2)).toEqual(inline);
  }, 60_000);

  it('rejects bad workers values', async () => {
    await expect(trainNode({ ...base, workers: -1 })).rejects.toThrow(/workers must be an integer >= 0/);
    await expect(
      trainNode({ ...base, workers: 1, batchSource: nodePoolBatchSource({ workerUrl: entry }) }),
    ).rejects.toThrow(/either workers or batchSource/);
  });

  it('a program that trained with 2 workers exits on its own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'unet-wasm-pool-exit-'));
    try {
      const script = join(dir, 'run.ts');
      writeFileSync(
        script,
        `import { trainUNet } from ${JSON.stringify(join(root, 'src/node/trainUNet.ts'))};
import { tinyProblem } from ${JSON.stringify(join(root, 'test/train/helpers.ts'))};
const { images, labels } = tinyProblem(3, 16, 16, 2);
const r = await trainUNet({ images, labels, width: 16, height: 16, validation: [2], epochs: 1,
  stepsPerEpoch: 3, tileSize: 8, model: { depth: 1, baseFilters: 2 }, workers: 2 });
console.log(JSON.stringify({ epochs: r.history.length }));
`,
      );
      const r = spawnSync(join(root, 'node_modules/.bin/vite-node'), [script], {
        cwd: root,
        encoding: 'utf8',
        timeout: 50_000,
      });
      expect(r.error).toBeUndefined(); // a timeout means the process did not exit
      expect(r.status, r.stderr.slice(-2000)).toBe(0);
      expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({ epochs: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
