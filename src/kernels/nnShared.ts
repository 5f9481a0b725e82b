// The nn kernels a second time, built to import a shared memory (asconfig target nnShared: no data
// segments, no allocator, nothing of their own in memory) and instantiated on tfjs-wasm's heap. The
// gradient kernels then read and write tfjs tensors where they lie: no copies into our module and
// back, and the helper thread works on the same memory. Platform code that can reach tfjs-wasm's
// shared WebAssembly.Memory attaches it (src/node/backend.ts); until then, or for another backend
// instance, the wrappers in nn.ts copy as before.
import { NN_SHARED_WASM_BASE64 } from './generated/wasm-binary.js';
import { NnKernelError } from './nn.js';

/** Allocates scratch in the shared heap: tfjs-wasm's own malloc and free. */
export interface HeapAllocator {
  malloc(bytes: number): number;
  free(ptr: number): void;
}

/** The nn kernels attached to a shared heap. */
export interface NnShared {
  /** The heap's memory. */
  readonly memory: WebAssembly.Memory;
  readonly heap: HeapAllocator;
  /** Whose heap this is (the tfjs backend instance); kernels of any other owner must copy. */
  readonly owner: unknown;
  /** A kernel export by name. */
  fn(name: string): (...args: number[]) => number;
}

let current: NnShared | null = null;

/** Throws NnKernelError when a shared-heap kernel returned an error code. */
export function checkRc(rc: number, name: string): void {
  if (rc !== 0) throw new NnKernelError(`${name} rejected its arguments (code ${rc})`);
}

/** The module's bytes (also for the helper thread, which instantiates it on the same memory). */
export function nnSharedWasmBytes(): Uint8Array<ArrayBuffer> {
  const bin = atob(NN_SHARED_WASM_BASE64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * Instantiates the shared-memory nn kernels on `memory` (which must be a shared
 * WebAssembly.Memory, e.g. tfjs-wasm's threaded heap) and makes them the ones the wrappers use for
 * tensors of `owner`.
 */
export async function attachNnShared(
  memory: WebAssembly.Memory,
  heap: HeapAllocator,
  owner: unknown,
): Promise<NnShared> {
  if (!(memory.buffer instanceof SharedArrayBuffer)) {
    throw new TypeError('attachNnShared needs a shared WebAssembly.Memory');
  }
  const module = await WebAssembly.compile(nnSharedWasmBytes());
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const exports = instance.exports as Record<string, unknown>;
  const attached: NnShared = {
    memory,
    heap,
    owner,
    fn(name: string) {
      const f = exports[name];
      if (typeof f !== 'function') throw new Error(`shared nn kernel '${name}' is missing from the build`);
      return f as (...args: number[]) => number;
    },
  };
  current = attached;
  return attached;
}

/** Detaches the shared heap; the wrappers copy again. */
export function detachNnShared(): void {
  current = null;
}

/** Detaches the shared heap until the returned function is called (A/B measurements, tests). */
export function suspendNnShared(): () => void {
  const saved = current;
  current = null;
  return () => {
    current = saved;
  };
}

/** The attached kernels if they run on `owner`'s heap, else null. */
export function nnShared(owner: unknown): NnShared | null {
  return current !== null && current.owner === owner ? current : null;
}

/** The attached kernels, whoever owns them (for the helper thread's set-up). */
export function attachedNnShared(): NnShared | null {
  return current;
}
