// JS wrappers of the nn kernels (assembly/nn): training kernels that src/backend registers for the
// tfjs 'wasm' backend. Inputs are copied into our module's memory (tfjs-wasm tensors live in a
// different WebAssembly memory), channel counts are zero-padded to the SIMD tile, and the result is
// copied into a caller-supplied array, typically a view of the tfjs output tensor.
import { kernel, view, withScope, type Scope } from './memory.js';

/** Thrown when an nn kernel gets inconsistent sizes. */
export class NnKernelError extends Error {
  override name = 'NnKernelError';
}

/** Geometry of an NHWC 2-D convolution x[b,inH,inW,inC] * w[fh,fw,inC,outC] -> y[b,outH,outW,outC]. */
export interface Conv2dGeometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  filterH: number;
  filterW: number;
  strideH: number;
  strideW: number;
  /** Rows of implicit zero padding above the input. */
  padTop: number;
  /** Columns of implicit zero padding left of the input. */
  padLeft: number;
}

type BackpropFilterFn = (
  x: number,
  dy: number,
  dw: number,
  batch: number,
  inH: number,
  inW: number,
  ci4: number,
  outH: number,
  outW: number,
  co8: number,
  fh: number,
  fw: number,
  sh: number,
  sw: number,
  pt: number,
  pl: number,
) => number;

const roundUp = (n: number, m: number): number => Math.ceil(n / m) * m;

function checkGeometry(g: Conv2dGeometry): void {
  const fields: (keyof Conv2dGeometry)[] = [
    'batch',
    'inH',
    'inW',
    'inC',
    'outH',
    'outW',
    'outC',
    'filterH',
    'filterW',
    'strideH',
    'strideW',
  ];
  for (const f of fields) {
    const v = g[f];
    if (!Number.isInteger(v) || v < 1)
      throw new NnKernelError(`conv2d geometry: ${f} must be a positive integer, got ${v}`);
  }
  for (const f of ['padTop', 'padLeft'] as const) {
    const v = g[f];
    if (!Number.isInteger(v) || v < 0)
      throw new NnKernelError(`conv2d geometry: ${f} must be an integer >= 0, got ${v}`);
  }
}

/**
 * Copies `src` ([pixels, c] row-major) into WASM memory as [pixels, cPad] with zero padding.
 * Without padding it is one bulk copy; otherwise a per-pixel copy (only tiny layers pad here).
 */
function inputPadded(scope: Scope, src: Float32Array, pixels: number, c: number, cPad: number): number {
  if (c === cPad) return scope.input(src);
  const ptr = scope.output(Float32Array, pixels * cPad);
  const dst = view(Float32Array, ptr, pixels * cPad);
  for (let p = 0; p < pixels; p++) dst.set(src.subarray(p * c, p * c + c), p * cPad);
  return ptr;
}

/**
 * Filter gradient of an NHWC convolution: dw[fh,fw,inC,outC] = Σ x-patch · dy, computed by the
 * AssemblyScript SIMD kernel `nnConv2dBackpropFilter`.
 * @param x input, `batch*inH*inW*inC` floats.
 * @param dy output gradient, `batch*outH*outW*outC` floats.
 * @param out optional destination for dw (`filterH*filterW*inC*outC` floats); a new array otherwise.
 */
export function conv2dBackpropFilter(
  x: Float32Array,
  dy: Float32Array,
  g: Conv2dGeometry,
  out?: Float32Array,
): Float32Array {
  checkGeometry(g);
  const xLen = g.batch * g.inH * g.inW * g.inC;
  const dyLen = g.batch * g.outH * g.outW * g.outC;
  const dwLen = g.filterH * g.filterW * g.inC * g.outC;
  if (x.length !== xLen)
    throw new NnKernelError(`conv2dBackpropFilter: x has ${x.length} floats, expected ${xLen}`);
  if (dy.length !== dyLen)
    throw new NnKernelError(`conv2dBackpropFilter: dy has ${dy.length} floats, expected ${dyLen}`);
  const dst = out ?? new Float32Array(dwLen);
  if (dst.length !== dwLen)
    throw new NnKernelError(`conv2dBackpropFilter: out has ${dst.length} floats, expected ${dwLen}`);
  const ci4 = roundUp(g.inC, 4);
  const co8 = roundUp(g.outC, 8);
  withScope((scope) => {
    const xp = inputPadded(scope, x, g.batch * g.inH * g.inW, g.inC, ci4);
    const dyp = inputPadded(scope, dy, g.batch * g.outH * g.outW, g.outC, co8);
    const taps = g.filterH * g.filterW;
    const dwp = scope.output(Float32Array, taps * ci4 * co8);
    const rc = kernel<BackpropFilterFn>('nnConv2dBackpropFilter')(
      xp,
      dyp,
      dwp,
      g.batch,
      g.inH,
      g.inW,
      ci4,
      g.outH,
      g.outW,
      co8,
      g.filterH,
      g.filterW,
      g.strideH,
      g.strideW,
      g.padTop,
      g.padLeft,
    );
    if (rc !== 0) throw new NnKernelError(`nnConv2dBackpropFilter rejected its arguments (code ${rc})`);
    const res = view(Float32Array, dwp, taps * ci4 * co8);
    if (ci4 === g.inC && co8 === g.outC) {
      dst.set(res);
    } else {
      for (let r = 0; r < taps * g.inC; r++) {
        const t = Math.floor(r / g.inC);
        const ci = r % g.inC;
        const s = (t * ci4 + ci) * co8;
        dst.set(res.subarray(s, s + g.outC), r * g.outC);
      }
    }
  });
  return dst;
}

type TransposeFilterFn = (w: number, wt: number, taps: number, ci: number, co: number, ci8: number) => number;
type BackpropInputFn = BackpropFilterFn;

/**
 * Input gradient of an NHWC convolution: dx[b,inH,inW,inC] from dy and the filter, computed by the
 * AssemblyScript SIMD kernel `nnConv2dBackpropInput` (gather form; any stride, no dilation).
 * @param dy output gradient, `batch*outH*outW*outC` floats.
 * @param w filter, `filterH*filterW*inC*outC` floats.
 * @param out optional destination for dx (`batch*inH*inW*inC` floats); a new array otherwise.
 */
export function conv2dBackpropInput(
  dy: Float32Array,
  w: Float32Array,
  g: Conv2dGeometry,
  out?: Float32Array,
): Float32Array {
  checkGeometry(g);
  const dyLen = g.batch * g.outH * g.outW * g.outC;
  const taps = g.filterH * g.filterW;
  const wLen = taps * g.inC * g.outC;
  const pixels = g.batch * g.inH * g.inW;
  const dxLen = pixels * g.inC;
  if (dy.length !== dyLen)
    throw new NnKernelError(`conv2dBackpropInput: dy has ${dy.length} floats, expected ${dyLen}`);
  if (w.length !== wLen)
    throw new NnKernelError(`conv2dBackpropInput: filter has ${w.length} floats, expected ${wLen}`);
  const dst = out ?? new Float32Array(dxLen);
  if (dst.length !== dxLen)
    throw new NnKernelError(`conv2dBackpropInput: out has ${dst.length} floats, expected ${dxLen}`);
  const ci8 = roundUp(g.inC, 8);
  withScope((scope) => {
    const wp = scope.input(w);
    const wtp = scope.output(Float32Array, taps * g.outC * ci8);
    const rt = kernel<TransposeFilterFn>('nnTransposeFilter')(wp, wtp, taps, g.inC, g.outC, ci8);
    if (rt !== 0) throw new NnKernelError(`nnTransposeFilter rejected its arguments (code ${rt})`);
    // A zero border around dy makes every tap of every tile land inside it, so the kernel runs
    // its 4-pixel fast path everywhere (edge pixels would otherwise go one by one).
    const bt = Math.max(0, Math.ceil((g.filterH - 1 - g.padTop) / g.strideH));
    const bl = Math.max(0, Math.ceil((g.filterW - 1 - g.padLeft) / g.strideW));
    const bb = Math.max(0, Math.floor((g.inH - 1 + g.padTop) / g.strideH) - (g.outH - 1));
    const br = Math.max(0, Math.floor((g.inW - 1 + g.padLeft) / g.strideW) - (g.outW - 1));
    const ph = g.outH + bt + bb;
    const pw = g.outW + bl + br;
    let dyp: number;
    if (bt + bl + bb + br === 0) {
      dyp = scope.input(dy);
    } else {
      dyp = scope.output(Float32Array, g.batch * ph * pw * g.outC);
      const dst = view(Float32Array, dyp, g.batch * ph * pw * g.outC);
      const row = g.outW * g.outC;
      for (let b = 0; b < g.batch; b++) {
        for (let y = 0; y < g.outH; y++) {
          const s = (b * g.outH + y) * row;
          dst.set(dy.subarray(s, s + row), ((b * ph + y + bt) * pw + bl) * g.outC);
        }
      }
    }
    const dxp = scope.alloc(pixels * ci8 * 4);
    const rc = kernel<BackpropInputFn>('nnConv2dBackpropInput')(
      dyp,
      wtp,
      dxp,
      g.batch,
      g.inH,
      g.inW,
      ci8,
      ph,
      pw,
      g.outC,
      g.filterH,
      g.filterW,
      g.strideH,
      g.strideW,
      g.padTop + bt * g.strideH,
      g.padLeft + bl * g.strideW,
    );
    if (rc !== 0) throw new NnKernelError(`nnConv2dBackpropInput rejected its arguments (code ${rc})`);
    const res = view(Float32Array, dxp, pixels * ci8);
    if (ci8 === g.inC) {
      dst.set(res);
    } else {
      for (let p = 0; p < pixels; p++) dst.set(res.subarray(p * ci8, p * ci8 + g.inC), p * g.inC);
    }
  });
  return dst;
}
