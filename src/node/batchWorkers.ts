// The Node trainer's link to the augmentation worker pool. The pool lives in workers/ (outside
// tsc's src/ root) and is bundled by `npm run build:workers` into dist/workers/, so it is loaded
// here at run time: dist/workers/node-source.js beside dist/node/ in a build, or the repository's
// dist/workers/ when the trainer runs from source (vite-node, vitest).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TrainConfigError } from '../train/index.js';
import type { BatchSource, BatchSourceContext } from '../train/index.js';

/** Statistics of a pool, reported when the trainer closes it. */
export interface PoolStats {
  /** Batches requested. */
  batches: number;
  /** Requests answered by a batch that was already computed. */
  ready: number;
  /** Milliseconds the training thread waited for workers. */
  waitedMs: number;
}

/** Options of `nodeWorkerBatchSource`. */
export interface NodeWorkerSourceOptions {
  /** Worker threads (>= 1). */
  workers: number;
  /** Batches kept ready or computing ahead of the trainer. Default: 2 x workers. */
  prefetch?: number;
  /** Called with the pool's statistics when the run ends. */
  onClose?: (stats: PoolStats) => void;
}

type NodeSourceModule = {
  nodePoolBatchSource(o: NodeWorkerSourceOptions): (ctx: BatchSourceContext) => BatchSource;
};

/** Where the bundled pool may be: beside this module in dist/, or the repository's dist/ from src/. */
export function nodeSourceCandidates(here: string = import.meta.url): URL[] {
  const out = [new URL('../workers/node-source.js', here)];
  if (/\/src\/node\/[^/]+\.ts$/.test(new URL(here).pathname)) {
    out.push(new URL('../../dist/workers/node-source.js', here));
  }
  return out;
}

/** Whether the bundled pool can be loaded (a build, or a source checkout after `npm run build:workers`). */
export function nodePoolBuilt(): boolean {
  return nodeSourceCandidates().some((u) => existsSync(fileURLToPath(u)));
}

/** The first candidate that exists; otherwise a `TrainConfigError` that says how to fix it. */
export function findNodeSource(candidates: readonly URL[]): URL {
  const url = candidates.find((u) => existsSync(fileURLToPath(u)));
  if (!url) {
    throw new TrainConfigError(
      `the batch worker pool is not built (${candidates.map((u) => fileURLToPath(u)).join(' or ')} is missing): ` +
        'run `npm run build:workers`, or train with workers: 0 (--workers 0) to make batches inline',
    );
  }
  return url;
}

/**
 * A trainer `batchSource` whose batches (augmentation + weight maps) are made by `workers`
 * worker threads, ahead of the training thread. Throws a `TrainConfigError` that says how to
 * fix it when the pool's bundle is not built.
 */
export async function nodeWorkerBatchSource(
  o: NodeWorkerSourceOptions,
): Promise<(ctx: BatchSourceContext) => BatchSource> {
  if (!Number.isInteger(o.workers) || o.workers < 1) {
    throw new TrainConfigError(`workers must be an integer >= 1 for the pool, got ${o.workers}`);
  }
  const url = findNodeSource(nodeSourceCandidates());
  const mod = (await import(url.href)) as NodeSourceModule;
  return mod.nodePoolBatchSource(o);
}
