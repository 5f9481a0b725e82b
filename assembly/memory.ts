// The JS<->WASM memory boundary. JS owns every buffer it allocates here and must free it:
// kernels only read and write through raw pointers, so nothing here is managed by the GC.

/** Allocates `size` bytes (16-byte aligned, so SIMD loads are aligned). Returns 0 if the size is 0. */
export function alloc(size: usize): usize {
  if (size == 0) return 0;
  return heap.alloc(size);
}

/** Frees a block from `alloc`. Freeing 0 is a no-op. */
export function free(ptr: usize): void {
  if (ptr != 0) heap.free(ptr);
}
