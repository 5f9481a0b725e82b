// The one message protocol between a batch pool and its workers, shared by the Node
// (worker_threads) and browser (Web Worker) adapters. Everything here is structured-cloneable.

/** Any typed array a batch or a stack may hold. */
export type BatchArray =
  Float32Array | Float64Array | Uint8Array | Uint16Array | Int16Array | Uint32Array | Int32Array;

/** A batch as produced by the batch function: named typed arrays plus plain metadata. */
export type BatchRecord = Record<string, unknown>;

/**
 * The training stacks, sent once to every worker when the pool starts. `images` and `labels`
 * hold `shape[0]` slices of `shape[1]` x `shape[2]` pixels, row-major. When SharedArrayBuffer is
 * available the arrays are views of shared memory and no bytes are copied at all.
 */
export interface StackData {
  images: BatchArray;
  labels: Uint8Array;
  /** [slices, height, width] */
  shape: [number, number, number];
  /** Interleaved image values per pixel (labels have one). Default 1. */
  channels?: number;
}

/** One batch request: its key and the plan's arguments for it (e.g. slice indices and seed). */
export interface BatchJob {
  epoch: number;
  index: number;
  args: unknown;
}

/** A serialized Error: name, message and stack survive the thread boundary. */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
}

/** Pool -> worker messages. */
export type ToWorker =
  { type: 'init'; stack: StackData; options: unknown } | { type: 'batch'; id: number; job: BatchJob };

/** Worker -> pool messages. */
export type FromWorker =
  /** Sent once the worker listens: messages posted before that could be lost (module workers with top-level await). */
  | { type: 'loaded' }
  | { type: 'ready' }
  | { type: 'batch'; id: number; batch: BatchRecord }
  | { type: 'error'; id: number | null; error: WireError };

/** Turns anything thrown into a WireError. */
export function toWireError(e: unknown): WireError {
  if (e instanceof Error) {
    const out: WireError = { name: e.name, message: e.message };
    if (e.stack !== undefined) out.stack = e.stack;
    return out;
  }
  return { name: 'Error', message: String(e) };
}

/** The buffers of every typed array in `batch`, deduplicated, for a zero-copy transfer. */
export function transferables(batch: BatchRecord): ArrayBuffer[] {
  const seen = new Set<ArrayBuffer>();
  for (const v of Object.values(batch)) {
    if (ArrayBuffer.isView(v) && v.buffer instanceof ArrayBuffer) seen.add(v.buffer);
  }
  return [...seen];
}
