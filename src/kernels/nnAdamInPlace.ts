// The fused Adam step on tfjs-wasm's own heap (nnShared.ts): arguments are byte offsets of tensors
// there. The outputs start as copies of x, m and v (a memory.copy each) and the kernel updates
// them in place, so nothing crosses between memories. Same kernel as nnAdam.ts: bit-identical.
import { NnKernelError } from './nn.js';
import { adamArgs, type AdamConstants } from './nnAdam.js';
import { nnShared } from './nnShared.js';

/** Offsets of the step's tensors, all of n floats. */
export interface AdamPtrs {
  x: number;
  m: number;
  v: number;
  g: number;
  outX: number;
  outM: number;
  outV: number;
}

/** adamUpdate (nnAdam.ts) in place, for n floats. False if no shared heap of `owner`. */
export function adamUpdateInPlace(owner: unknown, p: AdamPtrs, n: number, c: AdamConstants): boolean {
  const nn = nnShared(owner);
  if (nn === null) return false;
  if (!Number.isInteger(n) || n < 1 || n > 2 ** 29)
    throw new NnKernelError(`adamUpdate: n must be an integer in [1, 2^29], got ${n}`);
  const copy = nn.fn('nnCopyRuns');
  const bytes = n * 4;
  for (const [dst, src] of [
    [p.outX, p.x],
    [p.outM, p.m],
    [p.outV, p.v],
  ] as const) {
    const rc = copy(dst, bytes, src, bytes, 1, bytes);
    if (rc !== 0) throw new NnKernelError(`adamUpdate: copying its inputs failed (code ${rc})`);
  }
  const rc = nn.fn('nnAdamUpdate')(p.outX, p.outM, p.outV, p.g, n, ...adamArgs(c));
  if (rc !== 0) throw new NnKernelError(`nnAdamUpdate rejected its arguments (code ${rc})`);
  return true;
}
