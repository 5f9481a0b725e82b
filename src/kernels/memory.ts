// The one JS<->WASM memory boundary. Buffers live in linear memory only for the duration of a
// `withScope` call; every pointer allocated in a scope is freed when it ends, even on error.
// Views are rebuilt from `memory.buffer` on each access because memory.grow detaches old views.
import { wasm } from './wasm.js';

/** Typed-array constructors that can view WASM memory. */
export type TypedArrayCtor =
  | Uint8ArrayConstructor
  | Int8ArrayConstructor
  | Uint16ArrayConstructor
  | Int16ArrayConstructor
  | Uint32ArrayConstructor
  | Int32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;

export type TypedArray = InstanceType<TypedArrayCtor>;

/** Largest single buffer we hand to the allocator; beyond this TLSF would trap instead of failing. */
export const MAX_ALLOCATION_BYTES = 0x7000_0000;

/** Thrown when a kernel buffer cannot be allocated. */
export class WasmMemoryError extends Error {
  override name = 'WasmMemoryError';
}

/** A set of live allocations that are all freed together. */
export class Scope {
  private readonly ptrs: number[] = [];

  /** Allocates `bytes` uninitialised bytes and returns the pointer (0 for 0 bytes). */
  alloc(bytes: number): number {
    if (!Number.isInteger(bytes) || bytes < 0 || bytes > MAX_ALLOCATION_BYTES) {
      throw new WasmMemoryError(`cannot allocate ${bytes} bytes in WASM memory`);
    }
    if (bytes === 0) return 0;
    const ptr = wasm.alloc(bytes);
    this.ptrs.push(ptr);
    return ptr;
  }

  /** Copies `src` into a fresh block and returns its pointer. */
  input(src: TypedArray | ArrayLike<number>, ctor?: TypedArrayCtor): number {
    const arr = ArrayBuffer.isView(src) ? (src as TypedArray) : new (ctor ?? Float64Array)(src);
    const ptr = this.alloc(arr.byteLength);
    if (arr.byteLength > 0) {
      new Uint8Array(wasm.memory.buffer, ptr, arr.byteLength).set(
        new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength),
      );
    }
    return ptr;
  }

  /** Allocates a zero-filled block for `length` elements of `ctor`. */
  output(ctor: TypedArrayCtor, length: number): number {
    const bytes = length * ctor.BYTES_PER_ELEMENT;
    const ptr = this.alloc(bytes);
    if (bytes > 0) new Uint8Array(wasm.memory.buffer, ptr, bytes).fill(0);
    return ptr;
  }

  freeAll(): void {
    for (const p of this.ptrs) wasm.free(p);
    this.ptrs.length = 0;
  }
}

/** Runs `fn` with a scope whose allocations are freed when it returns or throws. */
export function withScope<R>(fn: (scope: Scope) => R): R {
  const scope = new Scope();
  try {
    return fn(scope);
  } finally {
    scope.freeAll();
  }
}

/** A live view of WASM memory; valid only until the next allocation or kernel call. */
export function view<C extends TypedArrayCtor>(ctor: C, ptr: number, length: number): InstanceType<C> {
  return new ctor(wasm.memory.buffer, ptr, length) as InstanceType<C>;
}

/** Copies `length` elements at `ptr` out of WASM memory into a new JS-owned array. */
export function copyOut<C extends TypedArrayCtor>(ctor: C, ptr: number, length: number): InstanceType<C> {
  return (view(ctor, ptr, length) as TypedArray).slice() as InstanceType<C>;
}

/**
 * Copies `length` elements at `ptr` into `dst` (a caller-owned array of that length) and returns it:
 * writing into an array that is already paged in costs a fraction of filling a fresh one.
 */
export function copyInto<A extends Float32Array | Uint8Array>(dst: A, ptr: number, length: number): A {
  const ctor = (dst instanceof Float32Array ? Float32Array : Uint8Array) as TypedArrayCtor;
  dst.set(view(ctor, ptr, length) as Float32Array & Uint8Array);
  return dst;
}

/** Current size of linear memory in bytes (for leak tests). */
export function memoryBytes(): number {
  return wasm.memory.buffer.byteLength;
}

/** A kernel export by name, typed by the caller. */
export function kernel<F>(name: string): F {
  const fn = wasm[name];
  if (typeof fn !== 'function') throw new Error(`WASM kernel '${name}' is missing from the build`);
  return fn as F;
}
