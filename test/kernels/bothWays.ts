// Runs a computation on threaded tfjs-wasm twice: in place on the heap, and copying.
import { attachedNnShared, suspendNnShared } from '../../src/kernels/nnShared.js';

/**
 * Runs `fn` once in place and once copying (the shared heap suspended); `kernels` are the shared
 * heap's kernels the first run called.
 */
export function bothWays<T>(fn: () => T): { inPlace: T; copied: T; kernels: Set<string> } {
  const nn = attachedNnShared()!;
  const kernels = new Set<string>();
  const fnOf = nn.fn.bind(nn);
  nn.fn = (name: string) => (kernels.add(name), fnOf(name));
  let inPlace: T;
  try {
    inPlace = fn();
  } finally {
    nn.fn = fnOf;
  }
  const resume = suspendNnShared();
  try {
    return { inPlace, copied: fn(), kernels };
  } finally {
    resume();
  }
}
