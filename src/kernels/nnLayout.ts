// JS wrappers of the layout kernels (assembly/nn/layout.ts): row concatenation and splitting (Concat
// and SplitV along any axis) and the max-pool gradient. tfjs-wasm tensors live in another
// WebAssembly memory, so data is staged through ours in chunks of about CHUNK_BYTES: the staging
// copies are native memcpy, and the strided work that JS would do element by element runs in WASM.
import { kernel, view, withScope } from './memory.js';
import { NnKernelError } from './nn.js';

/** Output bytes staged per kernel call: small enough to stay in cache, large enough to amortise. */
const CHUNK_BYTES = 1 << 20;

type CopyRunsFn = (
  dst: number,
  dStep: number,
  src: number,
  sStep: number,
  outer: number,
  n: number,
) => number;

/** (x, dy, dx, batch, then poolKernelArgs). */
type MaxPoolGradFn = (x: number, dy: number, dx: number, batch: number, ...sizes: number[]) => number;

const isCount = (n: number): boolean => Number.isInteger(n) && n >= 0;

function checkRows(fn: string, rows: number, rowBytes: readonly number[]): number {
  if (!isCount(rows)) throw new NnKernelError(`${fn}: rows must be an integer >= 0, got ${rows}`);
  if (rowBytes.length === 0) throw new NnKernelError(`${fn}: needs at least one part`);
  for (const n of rowBytes)
    if (!isCount(n)) throw new NnKernelError(`${fn}: row sizes must be integers >= 0, got ${n}`);
  const total = rowBytes.reduce((a, b) => a + b, 0);
  if (rows * total > 0x7fff_ffff) throw new NnKernelError(`${fn}: ${rows * total} bytes is too large`);
  return total;
}

function copyRuns(dst: number, dStep: number, src: number, sStep: number, outer: number, n: number): void {
  const rc = kernel<CopyRunsFn>('nnCopyRuns')(dst, dStep, src, sStep, outer, n);
  if (rc !== 0) throw new NnKernelError(`nnCopyRuns rejected its arguments (code ${rc})`);
}

/**
 * Row-wise concatenation: row r of `out` is row r of parts[0], then of parts[1], … (Concat along
 * an axis is this with rows = the product of the leading dimensions). Works on bytes, so any
 * element type.
 * @param parts part k holds `rows * rowBytes[k]` bytes.
 * @param out destination of `rows * Σ rowBytes` bytes.
 */
export function concatRows(
  parts: readonly Uint8Array[],
  rowBytes: readonly number[],
  rows: number,
  out: Uint8Array,
): void {
  const total = checkRows('concatRows', rows, rowBytes);
  if (parts.length !== rowBytes.length)
    throw new NnKernelError(`concatRows: ${parts.length} parts but ${rowBytes.length} row sizes`);
  for (const [k, p] of parts.entries())
    if (p.length !== rows * rowBytes[k]!)
      throw new NnKernelError(`concatRows: part ${k} has ${p.length} bytes, expected ${rows * rowBytes[k]!}`);
  if (out.length !== rows * total)
    throw new NnKernelError(`concatRows: out has ${out.length} bytes, expected ${rows * total}`);
  if (rows === 0 || total === 0) return;
  if (rows === 1) {
    let off = 0;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    return;
  }
  const chunk = Math.min(rows, Math.max(1, Math.floor(CHUNK_BYTES / total)));
  withScope((scope) => {
    const src = scope.alloc(chunk * total);
    const dst = scope.alloc(chunk * total);
    for (let r0 = 0; r0 < rows; r0 += chunk) {
      const r = Math.min(chunk, rows - r0);
      let sOff = 0;
      let dOff = 0;
      for (let k = 0; k < parts.length; k++) {
        const n = rowBytes[k]!;
        if (n > 0) {
          view(Uint8Array, src + sOff, r * n).set(parts[k]!.subarray(r0 * n, (r0 + r) * n));
          copyRuns(dst + dOff, total, src + sOff, n, r, n);
        }
        sOff += r * n;
        dOff += n;
      }
      out.set(view(Uint8Array, dst, r * total), r0 * total);
    }
  });
}

/**
 * Row-wise split, the inverse of `concatRows`: row r of `x` is cut into pieces of rowBytes[k]
 * bytes, piece k going to row r of outs[k].
 * @param x `rows * Σ rowBytes` bytes.
 * @param outs destination k receives `rows * rowBytes[k]` bytes.
 */
export function splitRows(
  x: Uint8Array,
  rowBytes: readonly number[],
  rows: number,
  outs: readonly Uint8Array[],
): void {
  const total = checkRows('splitRows', rows, rowBytes);
  if (outs.length !== rowBytes.length)
    throw new NnKernelError(`splitRows: ${outs.length} outputs but ${rowBytes.length} row sizes`);
  if (x.length !== rows * total)
    throw new NnKernelError(`splitRows: x has ${x.length} bytes, expected ${rows * total}`);
  for (const [k, o] of outs.entries())
    if (o.length !== rows * rowBytes[k]!)
      throw new NnKernelError(
        `splitRows: output ${k} has ${o.length} bytes, expected ${rows * rowBytes[k]!}`,
      );
  if (rows === 0 || total === 0) return;
  if (rows === 1) {
    let off = 0;
    for (const o of outs) {
      o.set(x.subarray(off, off + o.length));
      off += o.length;
    }
    return;
  }
  const chunk = Math.min(rows, Math.max(1, Math.floor(CHUNK_BYTES / total)));
  withScope((scope) => {
    const src = scope.alloc(chunk * total);
    const dst = scope.alloc(chunk * total);
    for (let r0 = 0; r0 < rows; r0 += chunk) {
      const r = Math.min(chunk, rows - r0);
      view(Uint8Array, src, r * total).set(x.subarray(r0 * total, (r0 + r) * total));
      let sOff = 0;
      let dOff = 0;
      for (let k = 0; k < outs.length; k++) {
        const n = rowBytes[k]!;
        if (n > 0) {
          copyRuns(dst + dOff, n, src + sOff, total, r, n);
          outs[k]!.set(view(Uint8Array, dst + dOff, r * n), r0 * n);
        }
        sOff += n;
        dOff += r * n;
      }
    }
  });
}

/** Geometry of an NHWC max pooling x[batch,h,w,c] -> y[batch,outH,outW,c]. */
export interface PoolGeometry {
  batch: number;
  h: number;
  w: number;
  c: number;
  outH: number;
  outW: number;
  filterH: number;
  filterW: number;
  strideH: number;
  strideW: number;
  /** Rows of implicit padding above the input (never the maximum). */
  padTop: number;
  /** Columns of implicit padding left of the input. */
  padLeft: number;
}

/** nnMaxPoolGrad's size arguments after the batch (one image per call). */
export function poolKernelArgs(g: PoolGeometry): number[] {
  const { h, w, c, outH, outW, filterH, filterW, strideH, strideW, padTop, padLeft } = g;
  return [h, w, c, outH, outW, filterH, filterW, strideH, strideW, padTop, padLeft];
}

/** Throws NnKernelError unless the pooling geometry is in the kernel's range. */
export function checkPool(g: PoolGeometry): void {
  for (const f of ['c', 'filterH', 'filterW', 'strideH', 'strideW'] as const)
    if (!Number.isInteger(g[f]) || g[f] < 1 || g[f] > 0x3fff_ffff)
      throw new NnKernelError(`maxPoolGrad geometry: ${f} must be a positive integer, got ${g[f]}`);
  for (const f of ['batch', 'h', 'w', 'outH', 'outW', 'padTop', 'padLeft'] as const)
    if (!Number.isInteger(g[f]) || g[f] < 0 || g[f] > 0x3fff_ffff)
      throw new NnKernelError(`maxPoolGrad geometry: ${f} must be an integer >= 0, got ${g[f]}`);
}

/**
 * Max-pool gradient (NHWC float32): dx = 0, then each dy element is added at the first maximum of
 * its window in row-major window order, as tfjs's 'cpu' backend does. Bit-identical to
 * `maxPoolGradJs` (src/backend/reference/maxPoolGrad.ts). Staged one image at a time.
 * @param x `batch*h*w*c` pooling inputs.
 * @param dy `batch*outH*outW*c` gradients of the pooled output.
 * @param dx destination of `batch*h*w*c` floats (overwritten).
 */
export function maxPoolGrad(x: Float32Array, dy: Float32Array, g: PoolGeometry, dx: Float32Array): void {
  checkPool(g);
  const xImg = g.h * g.w * g.c;
  const yImg = g.outH * g.outW * g.c;
  if (xImg > 0x1fff_ffff || yImg > 0x1fff_ffff)
    throw new NnKernelError(`maxPoolGrad: an image of ${Math.max(xImg, yImg)} floats is too large`);
  if (x.length !== g.batch * xImg)
    throw new NnKernelError(`maxPoolGrad: x has ${x.length} floats, expected ${g.batch * xImg}`);
  if (dy.length !== g.batch * yImg)
    throw new NnKernelError(`maxPoolGrad: dy has ${dy.length} floats, expected ${g.batch * yImg}`);
  if (dx.length !== x.length)
    throw new NnKernelError(`maxPoolGrad: dx has ${dx.length} floats, expected ${x.length}`);
  if (xImg === 0) return;
  withScope((scope) => {
    const xp = scope.alloc(xImg * 4);
    const yp = scope.alloc(Math.max(yImg, 1) * 4);
    const dp = scope.alloc(xImg * 4);
    const fn = kernel<MaxPoolGradFn>('nnMaxPoolGrad');
    for (let b = 0; b < g.batch; b++) {
      view(Float32Array, xp, xImg).set(x.subarray(b * xImg, (b + 1) * xImg));
      view(Float32Array, yp, yImg).set(dy.subarray(b * yImg, (b + 1) * yImg));
      const rc = fn(xp, yp, dp, 1, ...poolKernelArgs(g));
      if (rc !== 0) throw new NnKernelError(`nnMaxPoolGrad rejected its arguments (code ${rc})`);
      dx.set(view(Float32Array, dp, xImg), b * xImg);
    }
  });
}
