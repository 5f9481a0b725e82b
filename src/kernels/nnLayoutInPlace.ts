// Layout kernels and reductions on tfjs-wasm's own heap (nnShared.ts): strided row copies (Concat,
// SplitV), the max-pool gradient, column sums (bias gradients) and ReLU's gradient. Arguments are
// byte offsets of tensors there. Same kernels as the copying wrappers (nnLayout.ts, nnSum.ts), so
// the results are bit-identical; each returns false (and does nothing) when no shared heap of
// `owner` is attached, and the caller copies.
import { NnKernelError } from './nn.js';
import { checkPool, poolKernelArgs, type PoolGeometry } from './nnLayout.js';
import { checkRc, nnShared } from './nnShared.js';

/** `outer` runs of `n` bytes from src + o·sStep to dst + o·dStep (non-overlapping). */
export function copyRunsInPlace(
  owner: unknown,
  dst: number,
  dStep: number,
  src: number,
  sStep: number,
  outer: number,
  n: number,
): boolean {
  const nn = nnShared(owner);
  if (nn === null) return false;
  if (outer * Math.max(dStep, sStep) > 0x7fff_ffff)
    throw new NnKernelError(`copyRuns: ${outer} runs of ${Math.max(dStep, sStep)} bytes is too large`);
  checkRc(nn.fn('nnCopyRuns')(dst, dStep, src, sStep, outer, n), 'nnCopyRuns');
  return true;
}

/** maxPoolGrad (nnLayout.ts) of tensors at x, dy and dx (overwritten). */
export function maxPoolGradInPlace(
  owner: unknown,
  x: number,
  dy: number,
  g: PoolGeometry,
  dx: number,
): boolean {
  const nn = nnShared(owner);
  if (nn === null) return false;
  checkPool(g);
  const xImg = g.h * g.w * g.c * 4;
  const yImg = g.outH * g.outW * g.c * 4;
  if (xImg === 0) return true;
  const run = nn.fn('nnMaxPoolGrad');
  // One image per call, as the copying wrapper stages them (the kernel indexes an image in i32).
  for (let b = 0; b < g.batch; b++) {
    const rc = run(x + b * xImg, dy + b * yImg, dx + b * xImg, 1, ...poolKernelArgs(g));
    checkRc(rc, 'nnMaxPoolGrad');
  }
  return true;
}

/** sumRows (nnSum.ts): out[k] = Σ_r x[r·c + k], x at `x` ([rows, c]), `out` gets c floats. */
export function sumRowsInPlace(
  owner: unknown,
  x: number,
  rows: number,
  c: number,
  out: Float32Array,
): boolean {
  const nn = nnShared(owner);
  if (nn === null || rows < 1) return false;
  if (!Number.isInteger(rows) || !Number.isInteger(c) || c < 1)
    throw new NnKernelError(`sumRows: rows must be an integer >= 0 and c >= 1, got ${rows} and ${c}`);
  const sums = nn.heap.malloc(c * 8);
  if (sums === 0) throw new NnKernelError('sumRows: out of heap memory');
  try {
    checkRc(nn.fn('nnSumRows')(x, sums, rows, c), 'nnSumRows');
    out.set(new Float64Array(nn.memory.buffer, sums, c));
  } finally {
    nn.heap.free(sums);
  }
  return true;
}

/** dx = dy · step(y) for n floats (ReLU's gradient from its output y; tfjs's mul(dy, step(y))). */
export function reluGradInPlace(owner: unknown, dy: number, y: number, dx: number, n: number): boolean {
  const nn = nnShared(owner);
  if (nn === null) return false;
  if (!Number.isInteger(n) || n < 0 || n > 2 ** 29)
    throw new NnKernelError(`reluGrad: n must be an integer in [0, 2^29], got ${n}`);
  checkRc(nn.fn('nnReluGrad')(dy, y, dx, n), 'nnReluGrad');
  return true;
}
