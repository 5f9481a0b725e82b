// The batch-norm training kernels on tfjs-wasm's own heap (nnShared.ts): arguments are byte
// offsets of tensors there, and the kernels read and write them in place. Same kernels as the
// copying wrappers in nnBatchNorm.ts, so the results are bit-identical. They return false (and do
// nothing) when no shared heap of `owner` is attached: the caller then copies.
import { NnKernelError } from './nn.js';
import { checkSizes, scratchBytes } from './nnBatchNorm.js';
import { nnShared } from './nnShared.js';

/** Offsets of the forward's tensors: x, y [n, c]; the rest [c]. */
export interface BatchNormForwardPtrs {
  x: number;
  gamma: number;
  beta: number;
  y: number;
  mean: number;
  variance: number;
  invstd: number;
}

/** Offsets of the backward's tensors: dy, x, dx and y [n, c]; the rest [c]. y = 0 without relu. */
export interface BatchNormBackwardPtrs {
  dy: number;
  x: number;
  mean: number;
  invstd: number;
  gamma: number;
  dx: number;
  dgamma: number;
  dbeta: number;
  y: number;
}

/** batchNormTrainForward (nnBatchNorm.ts) in place. False if no shared heap of `owner`. */
export function batchNormTrainForwardInPlace(
  owner: unknown,
  p: BatchNormForwardPtrs,
  n: number,
  c: number,
  epsilon: number,
  relu: boolean,
): boolean {
  const nn = nnShared(owner);
  if (nn === null) return false;
  const fn = 'batchNormTrainForward';
  checkSizes(fn, n, c);
  if (!(epsilon >= 0) || !Number.isFinite(epsilon))
    throw new NnKernelError(`${fn}: epsilon must be finite and >= 0, got ${epsilon}`);
  const scratch = nn.heap.malloc(scratchBytes(c));
  if (scratch === 0) throw new NnKernelError(`${fn}: out of heap memory`);
  try {
    const rc = nn.fn('nnBatchNormForward')(
      p.x,
      p.gamma,
      p.beta,
      p.y,
      p.mean,
      p.variance,
      p.invstd,
      scratch,
      n,
      c,
      epsilon,
      relu ? 1 : 0,
    );
    if (rc !== 0) throw new NnKernelError(`${fn}: kernel rejected n=${n} c=${c} (code ${rc})`);
  } finally {
    nn.heap.free(scratch);
  }
  return true;
}

/**
 * batchNormTrainBackward (nnBatchNorm.ts) in place. With y (after a relu forward) the kernel
 * stores the masked dy back over its dy, so it gets a copy of dy in dx (its second pass writes dx
 * element by element after reading dy there): the caller's dy tensor is left untouched.
 */
export function batchNormTrainBackwardInPlace(
  owner: unknown,
  p: BatchNormBackwardPtrs,
  n: number,
  c: number,
): boolean {
  const nn = nnShared(owner);
  if (nn === null) return false;
  const fn = 'batchNormTrainBackward';
  checkSizes(fn, n, c);
  let dy = p.dy;
  if (p.y !== 0) {
    const rc = nn.fn('nnCopyRuns')(p.dx, n * c * 4, p.dy, n * c * 4, 1, n * c * 4);
    if (rc !== 0) throw new NnKernelError(`${fn}: copying dy failed (code ${rc})`);
    dy = p.dx;
  }
  const scratch = nn.heap.malloc(scratchBytes(c));
  if (scratch === 0) throw new NnKernelError(`${fn}: out of heap memory`);
  try {
    const rc = nn.fn('nnBatchNormBackward')(
      dy,
      p.x,
      p.mean,
      p.invstd,
      p.gamma,
      p.dx,
      p.dgamma,
      p.dbeta,
      scratch,
      n,
      c,
      p.y,
    );
    if (rc !== 0) throw new NnKernelError(`${fn}: kernel rejected n=${n} c=${c} (code ${rc})`);
  } finally {
    nn.heap.free(scratch);
  }
  return true;
}
