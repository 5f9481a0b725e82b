// A pool of batch workers that computes training batches ahead of the trainer.
//
// Batch k of epoch e is a pure function of (stack, options, e, k), so which worker computes it
// does not matter: the pool hands batches out by key, and the same seed gives the same batches
// for any number of workers. The stack goes to each worker once (shared memory when available);
// batches come back as transferred buffers. Any worker failure fails the pool: every pending and
// later request rejects with a WorkerPoolError, and no request ever waits forever.
import type { BatchRecord, FromWorker, StackData, ToWorker, WireError } from './protocol.js';

/** A worker failed, timed out, or the pool was used after close. */
export class WorkerPoolError extends Error {
  override name = 'WorkerPoolError';
}

/** What the pool needs from one worker, for worker_threads and Web Workers alike. */
export interface WorkerHandle {
  post(msg: ToWorker): void;
  /** Registers the pool's listeners. `onFailure` receives crashes, load errors and unexpected exits. */
  listen(onMessage: (msg: FromWorker) => void, onFailure: (err: Error) => void): void;
  /** Stops the worker; resolves once it is gone. */
  terminate(): Promise<void>;
}

/** Options of a batch pool. */
export interface BatchPoolOptions {
  /** Training stacks, sent once to each worker. */
  stack: StackData;
  /** Options for the batch function (tile, augmentation, weights...), sent once. Cloneable. */
  batchOptions: unknown;
  /**
   * The per-batch arguments, computed on the calling thread (e.g. the slice indices and the seed
   * `mixSeed(runSeed, epoch, index)`). Must be a pure function of (epoch, index): that is what
   * makes the batches independent of the number of workers. Default: no arguments.
   */
  plan?: (epoch: number, index: number) => unknown;
  /** Batches per epoch: batch `stepsPerEpoch` of epoch e is batch 0 of epoch e + 1 for prefetching. */
  stepsPerEpoch: number;
  /** Number of workers. Adapters default it to the free cores (at least 1, at most 4). */
  workers: number;
  /** Ready batches (and batches in flight) kept ahead of the last request. Default: 2 x workers. */
  prefetch?: number;
  /** Total epochs, if known: nothing past the last one is prefetched. Default: unbounded. */
  epochs?: number;
  /** A batch that takes longer than this fails the pool. Default 300 000 ms; 0 disables. */
  batchTimeoutMs?: number;
  /** Copy the stack into SharedArrayBuffers (once) when the platform allows. Default true. */
  shareStack?: boolean;
}

/** Where the consumer's time went: `waitedMs` is time spent in `batch()` waiting for workers. */
export interface BatchPoolStats {
  batches: number;
  /** Requests answered from a batch that was already computed. */
  ready: number;
  waitedMs: number;
}

interface Job {
  seq: number;
  epoch: number;
  index: number;
  state: 'queued' | 'running' | 'done';
  result?: BatchRecord;
  waiter?: { resolve(b: BatchRecord): void; reject(e: Error): void; since: number };
}

interface Slot {
  handle: WorkerHandle;
  ready: boolean;
  job: number | null;
  timer: ReturnType<typeof setTimeout> | null;
}

const now = (): number => globalThis.performance?.now() ?? Date.now();

function wireToError(w: WireError): Error {
  const e = new Error(w.message);
  e.name = w.name;
  if (w.stack !== undefined) e.stack = w.stack;
  return e;
}

function toShared<T extends StackData['images']>(a: T): T {
  const Ctor = a.constructor as new (b: SharedArrayBuffer) => T;
  const out = new Ctor(new SharedArrayBuffer(a.byteLength));
  (out as unknown as { set(x: T): void }).set(a);
  return out;
}

/** Copies the stack into shared memory when it is available (Node; cross-origin-isolated pages). */
export function shareStack(stack: StackData): StackData {
  const g = globalThis as { crossOriginIsolated?: boolean };
  if (typeof SharedArrayBuffer === 'undefined' || g.crossOriginIsolated === false) return stack;
  if (stack.images.buffer instanceof SharedArrayBuffer && stack.labels.buffer instanceof SharedArrayBuffer) {
    return stack;
  }
  return {
    images: toShared(stack.images),
    labels: toShared(stack.labels),
    shape: stack.shape,
    ...(stack.channels !== undefined ? { channels: stack.channels } : {}),
  };
}

function checkInt(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new WorkerPoolError(`${name} must be an integer >= ${min}, got ${String(v)}`);
  }
  return v;
}

/** A running pool. Create it with `createNodeBatchPool` or `createBrowserBatchPool`. */
export class BatchPool<B extends BatchRecord = BatchRecord> {
  private readonly slots: Slot[] = [];
  private readonly jobs = new Map<number, Job>();
  private readonly steps: number;
  private readonly prefetch: number;
  private readonly lastSeq: number;
  private readonly timeoutMs: number;
  private readonly plan: (epoch: number, index: number) => unknown;
  private failure: Error | null = null;
  /** The last requested batch (epoch * stepsPerEpoch + index). */
  private cursor = 0;
  private closing: Promise<void> | null = null;
  private readonly readyPromise: Promise<void>;
  private rejectReady: (e: Error) => void = () => {};
  private init!: ToWorker;
  private readonly st: BatchPoolStats = { batches: 0, ready: 0, waitedMs: 0 };

  constructor(spawn: (i: number) => WorkerHandle, options: BatchPoolOptions) {
    const n = checkInt('workers', options.workers, 1);
    this.steps = checkInt('stepsPerEpoch', options.stepsPerEpoch, 1);
    this.prefetch = checkInt('prefetch', options.prefetch ?? 2 * n, 1);
    this.lastSeq =
      options.epochs === undefined ? Infinity : checkInt('epochs', options.epochs, 0) * this.steps - 1;
    this.timeoutMs = checkInt('batchTimeoutMs', options.batchTimeoutMs ?? 300_000, 0);
    this.plan = options.plan ?? (() => null);
    const [slices, h, w] = options.stack.shape;
    const px = slices * h * w;
    const channels = options.stack.channels ?? 1;
    if (
      !(px > 0) ||
      !(Number.isInteger(channels) && channels >= 1) ||
      options.stack.images.length !== px * channels ||
      options.stack.labels.length !== px
    ) {
      throw new WorkerPoolError(
        `stack shape [${options.stack.shape.join(', ')}] × ${channels} channels does not match images (${options.stack.images.length}) ` +
          `and labels (${options.stack.labels.length})`,
      );
    }
    const stack = options.shareStack === false ? options.stack : shareStack(options.stack);
    this.init = { type: 'init', stack, options: options.batchOptions };
    let readyCount = 0;
    let onAllReady!: () => void;
    this.readyPromise = new Promise<void>((resolve, reject) => {
      onAllReady = resolve;
      this.rejectReady = reject;
    });
    // Never an unhandled rejection: failures are also reported through batch().
    this.readyPromise.catch(() => {});
    for (let i = 0; i < n; i++) {
      const slot: Slot = { handle: spawn(i), ready: false, job: null, timer: null };
      this.slots.push(slot);
      slot.handle.listen(
        (msg) =>
          this.onMessage(i, msg, () => {
            if (++readyCount === n) onAllReady();
          }),
        (err) => this.fail(new WorkerPoolError(`batch worker ${i} failed: ${err.message}`, { cause: err })),
      );
      // A worker that never finishes loading must not hang the run either.
      if (this.timeoutMs > 0) {
        slot.timer = setTimeout(
          () => this.fail(new WorkerPoolError(`batch worker ${i} did not start within ${this.timeoutMs} ms`)),
          this.timeoutMs,
        );
      }
    }
  }

  /** Resolves when every worker has loaded and received the stack. */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  /** Number of workers. */
  get size(): number {
    return this.slots.length;
  }

  /** Time the consumer spent waiting, and how many batches were ready on request. */
  stats(): BatchPoolStats {
    return { ...this.st };
  }

  /**
   * Batch `index` of `epoch`. Requests normally go in order; the pool then keeps the next
   * `prefetch` batches computing. Jumping (e.g. on resume) is allowed: stale work is dropped.
   */
  batch(epoch: number, index: number): Promise<B> {
    try {
      checkInt('epoch', epoch, 0);
      checkInt('index', index, 0);
      if (index >= this.steps) {
        throw new WorkerPoolError(`index ${index} is past the ${this.steps} batches of an epoch`);
      }
    } catch (e) {
      return Promise.reject(e as Error);
    }
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new WorkerPoolError('the batch pool is closed'));
    const seq = epoch * this.steps + index;
    this.st.batches++;
    // Drop work the consumer has moved past (running jobs finish and are discarded on arrival).
    this.cursor = seq;
    for (const [s, job] of this.jobs) {
      if (s < seq && job.state !== 'running' && !job.waiter) this.jobs.delete(s);
    }
    const job = this.ensureJob(seq);
    for (let s = seq + 1; s <= Math.min(seq + this.prefetch, this.lastSeq); s++) this.ensureJob(s);
    let promise: Promise<B>;
    if (job.state === 'done') {
      this.st.ready++;
      this.jobs.delete(seq);
      promise = Promise.resolve(job.result as B);
    } else {
      promise = new Promise<B>((resolve, reject) => {
        job.waiter = { resolve: resolve as (b: BatchRecord) => void, reject, since: now() };
      });
    }
    this.dispatch();
    return promise;
  }

  private ensureJob(seq: number): Job {
    let job = this.jobs.get(seq);
    if (!job) {
      job = { seq, epoch: Math.floor(seq / this.steps), index: seq % this.steps, state: 'queued' };
      this.jobs.set(seq, job);
    }
    return job;
  }

  private dispatch(): void {
    if (this.failure || this.closing) return;
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i]!;
      if (!slot.ready || slot.job !== null) continue;
      let next: Job | undefined;
      for (const job of this.jobs.values()) {
        if (job.state === 'queued' && (next === undefined || job.seq < next.seq)) next = job;
      }
      if (!next) return;
      let args: unknown;
      try {
        args = this.plan(next.epoch, next.index);
      } catch (e) {
        const err = e as Error;
        this.fail(new WorkerPoolError(`the batch plan failed: ${err.message}`, { cause: err }));
        return;
      }
      next.state = 'running';
      slot.job = next.seq;
      if (this.timeoutMs > 0) {
        const { epoch, index } = next;
        slot.timer = setTimeout(() => {
          this.fail(
            new WorkerPoolError(
              `batch worker ${i} took more than ${this.timeoutMs} ms for batch ${index} of epoch ${epoch}`,
            ),
          );
        }, this.timeoutMs);
      }
      slot.handle.post({ type: 'batch', id: next.seq, job: { epoch: next.epoch, index: next.index, args } });
    }
  }

  private onMessage(i: number, msg: FromWorker, onReady: () => void): void {
    if (this.failure || this.closing) return;
    const slot = this.slots[i]!;
    switch (msg.type) {
      case 'loaded':
        slot.handle.post(this.init);
        return;
      case 'ready':
        if (slot.timer !== null) clearTimeout(slot.timer);
        slot.timer = null;
        slot.ready = true;
        onReady();
        this.dispatch();
        return;
      case 'error': {
        const job = msg.id === null ? undefined : this.jobs.get(msg.id);
        const where = job ? ` on batch ${job.index} of epoch ${job.epoch}` : '';
        const cause = wireToError(msg.error);
        this.fail(
          new WorkerPoolError(`batch worker ${i} failed${where}: ${cause.name}: ${cause.message}`, { cause }),
        );
        return;
      }
      case 'batch': {
        if (slot.timer !== null) clearTimeout(slot.timer);
        slot.timer = null;
        slot.job = null;
        const job = this.jobs.get(msg.id);
        if (job && job.state === 'running') {
          if (job.waiter) {
            this.st.waitedMs += now() - job.waiter.since;
            this.jobs.delete(msg.id);
            job.waiter.resolve(msg.batch);
          } else if (msg.id < this.cursor) {
            this.jobs.delete(msg.id); // the consumer has moved past it
          } else {
            job.state = 'done';
            job.result = msg.batch;
          }
        }
        this.dispatch();
        return;
      }
    }
  }

  private fail(err: Error): void {
    if (this.failure || this.closing) return;
    this.failure = err;
    this.rejectReady(err);
    this.rejectAll(err);
    void this.shutdown();
  }

  private rejectAll(err: Error): void {
    for (const job of this.jobs.values()) job.waiter?.reject(err);
    this.jobs.clear();
  }

  private shutdown(): Promise<void> {
    for (const slot of this.slots) {
      if (slot.timer !== null) clearTimeout(slot.timer);
      slot.timer = null;
    }
    this.closing ??= Promise.all(this.slots.map((s) => s.handle.terminate().catch(() => {}))).then(() => {});
    return this.closing;
  }

  /** Stops every worker; pending requests reject. Resolves once all workers are gone. Idempotent. */
  close(): Promise<void> {
    if (!this.closing) {
      const err = new WorkerPoolError('the batch pool was closed');
      this.rejectReady(err);
      this.rejectAll(err);
    }
    return this.shutdown();
  }
}
