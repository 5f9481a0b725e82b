// Node-only backend setup: tfjs-wasm's multithreaded (pthreads + SIMD) build in Node.
//
// tfjs-wasm 4.22 hard-codes threads off in Node, and its threaded loader cannot work there as is:
//  1. the flag WASM_HAS_MULTITHREAD_SUPPORT is false whenever IS_NODE;
//  2. the pthread worker is created from a blob: URL, which worker_threads rejects (ERR_WORKER_PATH),
//     and that worker then loads the main script from a Blob, which its Node `importScripts` (a
//     readFileSync) cannot read;
//  3. the C++ side caps the pool at emscripten_num_logical_cores() / 2, i.e. os.cpus().length / 2,
//     so a 2-core machine gets 1 thread.
// We set the flag, give emscripten a Worker constructor that runs the worker source with
// `eval: true` and points its importScripts at the threaded module file on disk, and report
// 2 × threads logical CPUs while the module initialises.
import { createRequire } from 'node:module';
import os from 'node:os';
import { Worker as NodeWorker, type WorkerOptions } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendName, type InitBackendOptions } from '../backend/index.js';
import { BackendError } from '../backend/errors.js';
import { startNnHelperThread, stopNnHelperThread } from './nnThreads.js';
import { attachNnShared } from '../kernels/nnShared.js';

export interface NodeBackendOptions extends InitBackendOptions {
  /**
   * XNNPACK threads of the 'wasm' backend (1 = tfjs's single-threaded SIMD build). Only takes
   * effect if 'wasm' has not been initialised yet in this process. Default: the number of CPUs
   * (`os.availableParallelism()`), at most 8.
   */
  threads?: number;
  /**
   * Run half of each large unet-wasm gradient kernel call (batch ≥ 2) on a worker_threads helper,
   * see src/node/nnThreads.ts. Default: true when there are at least 2 CPUs and `threads > 1`
   * (so `threads: 1` really means one compute thread).
   */
  helperThread?: boolean;
}

const requireCjs = createRequire(import.meta.url);

let workerShimInstalled = false;

function installWorkerShim(): void {
  if (workerShimInstalled) return;
  const mainScript = requireCjs.resolve(
    '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js',
  );
  const { wasmWorkerContents } = requireCjs(
    '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js',
  ) as {
    wasmWorkerContents: string;
  };
  // The source is a template literal whose "\n" escapes became real newlines inside string
  // literals; tfjs re-escapes them the same way before making its Blob.
  const source =
    wasmWorkerContents.replace(/\n/g, '\\n') +
    `;(() => {
      const load = global.importScripts;
      global.importScripts = (f) => load(String(f).startsWith('blob:') ? ${JSON.stringify(mainScript)} : f);
      URL.createObjectURL = () => 'blob:unet-wasm-tfjs-main';
      URL.revokeObjectURL = () => {};
    })();`;
  class PthreadWorker extends NodeWorker {
    constructor(url: string | URL, options?: WorkerOptions) {
      if (typeof url === 'string' && url.startsWith('blob:')) {
        super(source, { ...options, eval: true });
        this.unref();
      } else {
        super(url, options);
      }
    }

    // XNNPACK's pthreadpool threads live as long as the backend, and emscripten ref()s the
    // worker of every running pthread: that would keep Node alive after the program is done.
    override ref(): void {}
  }
  // emscripten assigns `global.Worker = worker_threads.Worker` when the module factory runs; this
  // accessor keeps our subclass in place.
  Object.defineProperty(globalThis, 'Worker', {
    configurable: true,
    get: () => PthreadWorker,
    set: () => {},
  });
  workerShimInstalled = true;
}

/**
 * `initBackend` for Node, using both cores for 'wasm': tfjs-wasm's threaded build when
 * `threads > 1` (see the file comment for what is patched and why), and a helper thread for
 * unet-wasm's gradient kernels (`helperThread`). Other backends go straight to `initBackend`.
 * @returns the name of the active backend.
 */
export async function initNodeBackend(
  name: BackendName = 'wasm',
  opts: NodeBackendOptions = {},
): Promise<string> {
  const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const threads = opts.threads ?? Math.min(cpus, 8);
  if (!Number.isInteger(threads) || threads < 1 || threads > 8) {
    throw new BackendError(`threads must be an integer in [1, 8], got ${String(opts.threads)}`);
  }
  const active = await initXnnBackend(name, threads, opts);
  if (active === 'wasm' && (opts.helperThread ?? (cpus >= 2 && threads > 1))) {
    await startNnHelperThread();
  } else {
    stopNnHelperThread();
  }
  return active;
}

async function initXnnBackend(name: BackendName, threads: number, opts: NodeBackendOptions): Promise<string> {
  if (name !== 'wasm' || threads === 1 || tf.findBackend('wasm') !== null) return initBackend(name, opts);
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  installWorkerShim();
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  wasm.setThreadsCount(threads);
  const realCpus = os.cpus;
  os.cpus = () => {
    const c = realCpus();
    return Array.from({ length: 2 * threads }, (_, i) => c[i % c.length]!);
  };
  let memories: WebAssembly.Memory[];
  let active: string;
  try {
    ({ result: active, memories } = await capturingMemories(() => initBackend('wasm', opts)));
  } finally {
    os.cpus = realCpus;
  }
  if (active === 'wasm') await attachHeap(memories);
  return active;
}

/** Runs `init` and returns the WebAssembly.Memory objects created from JS meanwhile. */
async function capturingMemories<T>(
  init: () => Promise<T>,
): Promise<{ result: T; memories: WebAssembly.Memory[] }> {
  const Real = WebAssembly.Memory;
  const memories: WebAssembly.Memory[] = [];
  function Capturing(desc: WebAssembly.MemoryDescriptor): WebAssembly.Memory {
    const m = new Real(desc);
    memories.push(m);
    return m;
  }
  Capturing.prototype = Real.prototype;
  (WebAssembly as { Memory: unknown }).Memory = Capturing;
  try {
    return { result: await init(), memories };
  } finally {
    WebAssembly.Memory = Real;
  }
}

/**
 * Attaches unet-wasm's gradient kernels to the threaded tfjs-wasm heap (see src/kernels/nnShared.ts):
 * emscripten creates that shared memory from JS, so it is among `memories`. The one whose bytes at a
 * probe tensor's offset hold the probe's values is tfjs's heap. Without one the kernels copy.
 */
async function attachHeap(memories: WebAssembly.Memory[]): Promise<void> {
  const backend = tf.backend() as unknown as {
    dataIdMap: { get(id: object): { memoryOffset: number } | undefined };
    wasm: { _malloc(bytes: number): number; _free(ptr: number): void };
  };
  const values = [1.25, -2.5, 3.75, 1e-3, 12345.5];
  const probe = tf.tensor1d(values, 'float32');
  try {
    const offset = backend.dataIdMap.get(probe.dataId)?.memoryOffset;
    if (offset === undefined) return;
    const heap = memories.find((m) => {
      const buf = m.buffer as ArrayBufferLike;
      if (!(buf instanceof SharedArrayBuffer) || offset + 4 * values.length > buf.byteLength) return false;
      const seen = new Float32Array(buf, offset, values.length);
      return values.every((v, i) => seen[i] === Math.fround(v));
    });
    if (heap === undefined) return;
    const wasm = backend.wasm;
    await attachNnShared(
      heap,
      { malloc: (bytes) => wasm._malloc(bytes), free: (ptr) => wasm._free(ptr) },
      tf.backend(),
    );
  } finally {
    probe.dispose();
  }
}

/** XNNPACK threads of the active 'wasm' backend (1 when single-threaded). */
export async function wasmThreadCount(): Promise<number> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  return wasm.getThreadsCount();
}
