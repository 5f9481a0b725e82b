// Node: runs the nn kernels' helper thread (see src/kernels/nnHelper.ts) in a worker_thread.
import { Worker } from 'node:worker_threads';
import {
  CMD,
  CTRL,
  CTRL_WORDS,
  NN_HELPER_KERNELS,
  NN_HELPER_SOURCE,
  nnHelper,
  nnWasmBytes,
  setNnHelper,
  type NnHelper,
} from '../kernels/nnHelper.js';
import { attachedNnShared, nnSharedWasmBytes } from '../kernels/nnShared.js';

/**
 * A kernel share takes milliseconds; a helper that has not answered in `ms` (default 30 000) is
 * treated as dead: it is terminated and the main thread does the work itself from then on.
 */
export const nnHelperTimeout = { ms: 30_000 };

class WorkerHelper implements NnHelper {
  private readonly ctrl: Int32Array;
  private seq = 0;
  private buffer: Float32Array = new Float32Array(0);
  private dead = false;

  constructor(
    private readonly worker: Worker,
    ctrlSab: SharedArrayBuffer,
    /** The shared heap the helper's nnShared instance runs on, if any. */
    readonly sharedMemory: WebAssembly.Memory | null,
  ) {
    this.ctrl = new Int32Array(ctrlSab);
  }

  private post(cmd: number): void {
    this.ctrl[CTRL.cmd] = cmd;
    Atomics.store(this.ctrl, CTRL.seq, ++this.seq);
    Atomics.notify(this.ctrl, CTRL.seq);
  }

  private wait(): boolean {
    const deadline = Date.now() + nnHelperTimeout.ms;
    for (;;) {
      const done = Atomics.load(this.ctrl, CTRL.done);
      if (done === this.seq) return this.ctrl[CTRL.status] === 0;
      const left = deadline - Date.now();
      if (left <= 0) {
        // A helper that still runs could later write into tensors tfjs has reused (its share works
        // in place on the tfjs heap): stop it, and stop handing it work.
        this.dead = true;
        void this.worker.terminate();
        if (nnHelper() === this) setNnHelper(null);
        return false;
      }
      Atomics.wait(this.ctrl, CTRL.done, done, left);
    }
  }

  alive(): boolean {
    return !this.dead;
  }

  staging(floats: number): Float32Array {
    if (this.buffer.length >= floats) return this.buffer;
    // Grow geometrically; the helper receives the new buffer synchronously (receiveMessageOnPort).
    const n = Math.max(floats, Math.ceil(this.buffer.length * 1.5), 1 << 20);
    const sab = new SharedArrayBuffer(n * 4);
    this.worker.postMessage(sab);
    this.post(CMD.setStaging);
    if (!this.wait()) throw new Error('nn helper thread did not accept its staging buffer');
    this.buffer = new Float32Array(sab);
    return this.buffer;
  }

  hasShared(memory: WebAssembly.Memory): boolean {
    return this.sharedMemory === memory;
  }

  startShared(kernel: (typeof NN_HELPER_KERNELS)[number], args: number[]): void {
    const c = this.ctrl;
    c[CTRL.kernel] = NN_HELPER_KERNELS.indexOf(kernel);
    c[CTRL.nbuf] = 0;
    c[CTRL.nargs] = args.length;
    args.forEach((a, i) => (c[CTRL.args + i] = a));
    this.post(CMD.runShared);
  }

  start(
    kernel: (typeof NN_HELPER_KERNELS)[number],
    buffers: [number, number, number][],
    args: number[],
  ): void {
    const c = this.ctrl;
    c[CTRL.kernel] = NN_HELPER_KERNELS.indexOf(kernel);
    c[CTRL.nbuf] = buffers.length;
    buffers.forEach(([off, len, flags], i) => {
      c[CTRL.buf + 3 * i] = off;
      c[CTRL.buf + 3 * i + 1] = len;
      c[CTRL.buf + 3 * i + 2] = flags;
    });
    c[CTRL.nargs] = args.length;
    args.forEach((a, i) => (c[CTRL.args + i] = a));
    this.post(CMD.run);
  }

  finish(): boolean {
    return this.wait();
  }

  stop(): void {
    this.post(CMD.exit);
    void this.worker.terminate();
  }
}

let running: WorkerHelper | null = null;

/**
 * Starts the helper thread that runs half of each large nn kernel call (batch ≥ 2) and installs
 * it. Idempotent; a helper started before the nn kernels were attached to a shared heap (or for
 * another heap) is replaced. Needs SharedArrayBuffer and Atomics (always present in Node ≥ 20).
 */
export async function startNnHelperThread(): Promise<void> {
  const shared = attachedNnShared();
  const sharedMemory = shared?.memory ?? null;
  if (running !== null && running.alive() && nnHelper() === running && running.sharedMemory === sharedMemory)
    return;
  stopNnHelperThread();
  const module = await WebAssembly.compile(nnWasmBytes());
  const ctrl = new SharedArrayBuffer(CTRL_WORDS * 4);
  const workerData = {
    module,
    ctrl,
    shared:
      sharedMemory === null
        ? undefined
        : { module: await WebAssembly.compile(nnSharedWasmBytes()), memory: sharedMemory },
  };
  const worker = new Worker(NN_HELPER_SOURCE, { eval: true, workerData });
  worker.unref();
  const helper = new WorkerHelper(worker, ctrl, sharedMemory);
  worker.on('error', () => {
    if (nnHelper() === helper) setNnHelper(null);
  });
  running = helper;
  // First round trip: the helper is up once it has taken a staging buffer.
  running.staging(1 << 20);
  setNnHelper(running);
}

/** Stops the helper thread; the nn kernels run on the calling thread again. */
export function stopNnHelperThread(): void {
  if (running === null) return;
  if (nnHelper() === running) setNnHelper(null);
  running.stop();
  running = null;
}
