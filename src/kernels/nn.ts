// JS wrappers of the nn kernels (assembly/nn): training kernels that src/backend registers for the
// tfjs 'wasm' backend. Inputs are copied into our module's memory (tfjs-wasm tensors live in a
// different WebAssembly memory), channel counts are zero-padded to the SIMD tile, and the result is
// copied into a caller-supplied array, typically a view of the tfjs output tensor.
import { kernel, view, withScope, type Scope } from './memory.js';
import { nnHelper, type NnHelper } from './nnHelper.js';

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

export const roundUp = (n: number, m: number): number => Math.ceil(n / m) * m;

/** Throws NnKernelError unless every size is a positive integer and the padding is >= 0. */
export function checkGeometry(g: Conv2dGeometry): void {
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

/** Writes `src` ([pixels, c]) into `dst` at `off` as [pixels, cPad], zero-padding the channels. */
function writePadded(
  dst: Float32Array,
  off: number,
  src: Float32Array,
  pixels: number,
  c: number,
  cPad: number,
): void {
  if (c === cPad) {
    dst.set(src.subarray(0, pixels * c), off);
    return;
  }
  dst.fill(0, off, off + pixels * cPad);
  for (let p = 0; p < pixels; p++) {
    for (let k = 0; k < c; k++) dst[off + p * cPad + k] = src[p * c + k]!;
  }
}

/** Copies `src` ([pixels, c] row-major) into WASM memory as [pixels, cPad] with zero padding. */
function inputPadded(scope: Scope, src: Float32Array, pixels: number, c: number, cPad: number): number {
  if (c === cPad) return scope.input(src.subarray(0, pixels * c));
  const ptr = scope.alloc(pixels * cPad * 4);
  writePadded(view(Float32Array, ptr, pixels * cPad), 0, src, pixels, c, cPad);
  return ptr;
}

/**
 * Below `macs` multiply-adds a kernel call stays on one thread: waking the helper costs more.
 * Default 2^22 (about 1 ms of work). `adaptive` (default false) stops splitting for a while when
 * the helper keeps us waiting (see recordSplit); measured on 2 cores with light to moderate load,
 * always splitting was faster (128² batch 2: ~400 vs ~485 ms per step; 256² batch 4: 2.7–2.9 vs
 * 2.9–3.3 s), so it is opt-in. Tests lower `macs` to exercise the split on tiny shapes.
 */
export const nnSplitThreshold = { macs: 1 << 22, adaptive: false };

// When the machine is oversubscribed the helper thread gets no core when we need it, and waiting
// for it costs more than doing its share ourselves. A split call costs own + wait, the same call
// on one thread about 2·own, so splitting loses only when we waited longer than our own compute
// time: then the next SKIP_CALLS calls stay on one thread, and splitting is tried again. (Waiting
// for half of our own time still gains 25 %; skipping whole steps on that cost 19 % of a 256²
// batch-4 step on a lightly loaded 2-core machine.) Small calls wait for the helper's wake-up
// and copies, a fixed ~1 ms that says nothing about the load: losses below SKIP_SLACK_MS are ignored.
const SKIP_CALLS = 10;
const SKIP_SLACK_MS = 1;
const adapt = { skip: 0 };

/** Records how a split call went: `ownMs` computing our share, `waitMs` waiting for the helper. */
function recordSplit(ownMs: number, waitMs: number): void {
  if (nnSplitThreshold.adaptive && waitMs > ownMs + SKIP_SLACK_MS) adapt.skip = SKIP_CALLS;
}

/** The filter-gradient kernel's size arguments for `batch` images and (padded) channel counts. */
export function filterKernelArgs(g: Conv2dGeometry, batch: number, ci4: number, co8: number): number[] {
  const { inH, inW, outH, outW, filterH, filterW, strideH, strideW, padTop, padLeft } = g;
  return [batch, inH, inW, ci4, outH, outW, co8, filterH, filterW, strideH, strideW, padTop, padLeft];
}

/**
 * The zero border around dy that makes every tap of every tile land inside it, so the input-gradient
 * kernel runs its 4-pixel fast path everywhere (edge pixels would otherwise go one by one).
 */
export function dyBorder(g: Conv2dGeometry): { top: number; left: number; ph: number; pw: number } {
  const top = Math.max(0, Math.ceil((g.filterH - 1 - g.padTop) / g.strideH));
  const left = Math.max(0, Math.ceil((g.filterW - 1 - g.padLeft) / g.strideW));
  const bottom = Math.max(0, Math.floor((g.inH - 1 + g.padTop) / g.strideH) - (g.outH - 1));
  const right = Math.max(0, Math.floor((g.inW - 1 + g.padLeft) / g.strideW) - (g.outW - 1));
  return { top, left, ph: g.outH + top + bottom, pw: g.outW + left + right };
}

/** The input-gradient kernel's size arguments for `batch` images of bordered dy (see dyBorder). */
export function inputKernelArgs(g: Conv2dGeometry, batch: number, ciK: number, coK: number): number[] {
  const { top, left, ph, pw } = dyBorder(g);
  const { inH, inW, filterH, filterW, strideH, strideW } = g;
  const pt = g.padTop + top * strideH;
  const pl = g.padLeft + left * strideW;
  return [batch, inH, inW, ciK, ph, pw, coK, filterH, filterW, strideH, strideW, pt, pl];
}

/**
 * Images in the first share of a call big enough to split, or 0. The partition depends only on
 * the shape, never on the helper or the load: a filter gradient is always summed as
 * (first share) + (second share), whichever thread computes the second, so results are
 * bit-identical with and without the helper thread.
 */
export function splitImages(g: Conv2dGeometry): number {
  if (g.batch < 2) return 0;
  const macs = g.batch * g.outH * g.outW * g.filterH * g.filterW * g.inC * g.outC;
  if (macs < nnSplitThreshold.macs) return 0;
  return Math.floor(g.batch / 2);
}

/** The helper thread if this call should use it (see recordSplit), else null. */
export function shareHelper(): NnHelper | null {
  const helper = nnHelper();
  if (helper === null) return null;
  if (adapt.skip > 0 && nnSplitThreshold.adaptive) {
    adapt.skip--;
    return null;
  }
  return helper;
}

/** Finishes a split call: waits for the helper and adapts (see recordSplit). False if it failed. */
export function finishSplit(helper: NnHelper, t0: number, t1: number): boolean {
  const ok = helper.finish();
  recordSplit(t1 - t0, performance.now() - t1);
  return ok;
}

/**
 * Filter gradient of an NHWC convolution: dw[fh,fw,inC,outC] = Σ x-patch · dy, computed by the
 * AssemblyScript SIMD kernel `nnConv2dBackpropFilter`. With a helper thread installed
 * (`setNnHelper`) and batch ≥ 2, the images are shared between the two threads.
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
  const taps = g.filterH * g.filterW;
  const padded = taps * ci4 * co8;
  const xImg = g.inH * g.inW;
  const dyImg = g.outH * g.outW;
  const run = kernel<BackpropFilterFn>('nnConv2dBackpropFilter');
  const args = (batch: number): number[] => filterKernelArgs(g, batch, ci4, co8);
  const mine = splitImages(g) || g.batch;
  const theirs = g.batch - mine;
  const helper = theirs > 0 ? shareHelper() : null;
  withScope((scope) => {
    // Helper's share first, so it works while we do ours.
    let helperDw = -1;
    let stage: Float32Array | null = null;
    if (theirs > 0 && helper !== null) {
      const xn = theirs * xImg * ci4;
      const dyn = theirs * dyImg * co8;
      stage = helper.staging(xn + dyn + padded);
      writePadded(stage, 0, x.subarray(mine * xImg * g.inC), theirs * xImg, g.inC, ci4);
      writePadded(stage, xn, dy.subarray(mine * dyImg * g.outC), theirs * dyImg, g.outC, co8);
      helperDw = xn + dyn;
      helper.start(
        'nnConv2dBackpropFilter',
        [
          [0, xn, 1],
          [xn, dyn, 1],
          [helperDw, padded, 2],
        ],
        args(theirs),
      );
    }
    const xp = inputPadded(scope, x, mine * xImg, g.inC, ci4);
    const dyp = inputPadded(scope, dy, mine * dyImg, g.outC, co8);
    const dwp = scope.output(Float32Array, padded);
    const t0 = performance.now();
    const rc = (run as (...a: number[]) => number)(xp, dyp, dwp, ...args(mine));
    const t1 = performance.now();
    if (rc !== 0) throw new NnKernelError(`nnConv2dBackpropFilter rejected its arguments (code ${rc})`);
    if (theirs > 0) {
      if (helper !== null && stage !== null && finishSplit(helper, t0, t1)) {
        const res = view(Float32Array, dwp, padded);
        for (let i = 0; i < padded; i++) res[i] = res[i]! + stage[helperDw + i]!;
      } else {
        // No helper (or it failed): do its share here, into its own dw, and add it exactly as the
        // helper's would be added, so the result does not depend on who computed it.
        const xq = inputPadded(scope, x.subarray(mine * xImg * g.inC), theirs * xImg, g.inC, ci4);
        const dyq = inputPadded(scope, dy.subarray(mine * dyImg * g.outC), theirs * dyImg, g.outC, co8);
        const dwq = scope.output(Float32Array, padded);
        const rc2 = (run as (...a: number[]) => number)(xq, dyq, dwq, ...args(theirs));
        if (rc2 !== 0) throw new NnKernelError(`nnConv2dBackpropFilter rejected its arguments (code ${rc2})`);
        const res = view(Float32Array, dwp, padded);
        const q = view(Float32Array, dwq, padded);
        for (let i = 0; i < padded; i++) res[i] = res[i]! + q[i]!;
      }
    }
    const res = view(Float32Array, dwp, padded);
    if (ci4 === g.inC && co8 === g.outC) {
      dst.set(res);
    } else {
      for (let r = 0; r < taps * g.inC; r++) {
        const t = Math.floor(r / g.inC);
        const ci = r % g.inC;
        const o = (t * ci4 + ci) * co8;
        dst.set(res.subarray(o, o + g.outC), r * g.outC);
      }
    }
  });
  return dst;
}

/** At most this many input channels, dx runs the narrow kernel (see conv2dBackpropInput). */
const NARROW_INPUT_CHANNELS = 4;

type TransposeFilterFn = (w: number, wt: number, taps: number, ci: number, co: number, ci8: number) => number;

/** Copies [pixels, cPad] rows from `src` into `dst` ([pixels, c]), dropping padded channels. */
function unpad(
  dst: Float32Array,
  dOff: number,
  src: Float32Array,
  pixels: number,
  c: number,
  cPad: number,
): void {
  if (c === cPad) {
    dst.set(src.subarray(0, pixels * c), dOff);
    return;
  }
  for (let p = 0; p < pixels; p++) dst.set(src.subarray(p * cPad, p * cPad + c), dOff + p * c);
}

/**
 * Input gradient of an NHWC convolution: dx[b,inH,inW,inC] from dy and the filter, computed by the
 * AssemblyScript SIMD kernel `nnConv2dBackpropInput` (gather form; any stride, no dilation). With a
 * helper thread installed and batch ≥ 2, the images are shared between the two threads.
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
  const imgPixels = g.inH * g.inW;
  const dxLen = g.batch * imgPixels * g.inC;
  if (dy.length !== dyLen)
    throw new NnKernelError(`conv2dBackpropInput: dy has ${dy.length} floats, expected ${dyLen}`);
  if (w.length !== wLen)
    throw new NnKernelError(`conv2dBackpropInput: filter has ${w.length} floats, expected ${wLen}`);
  const dst = out ?? new Float32Array(dxLen);
  if (dst.length !== dxLen)
    throw new NnKernelError(`conv2dBackpropInput: out has ${dst.length} floats, expected ${dxLen}`);
  // Few input channels (the first layer's image): the narrow kernel vectorises over the output
  // channels instead of 8 input channels, so nothing is computed for channel padding.
  const narrow = g.inC <= NARROW_INPUT_CHANNELS;
  const ciK = narrow ? g.inC : roundUp(g.inC, 8); // dx channels as the kernel writes them
  const coK = narrow ? roundUp(g.outC, 4) : g.outC; // dy channels as the kernel reads them
  const { top: bt, left: bl, ph, pw } = dyBorder(g);
  const dyImg = ph * pw * coK; // floats per padded dy image
  const dxImg = imgPixels * ciK; // floats per padded dx image
  const wtLen = taps * coK * ciK;
  const name = narrow ? 'nnConv2dBackpropInputNarrow' : 'nnConv2dBackpropInput';
  const run = kernel<BackpropFilterFn>(name) as (...a: number[]) => number;
  const args = (batch: number): number[] => inputKernelArgs(g, batch, ciK, coK);
  // Images are independent here, so splitting never changes dx: split only when the helper helps.
  const helper = splitImages(g) > 0 ? shareHelper() : null;
  const mine = (helper !== null ? splitImages(g) : 0) || g.batch;
  const theirs = g.batch - mine;
  withScope((scope) => {
    let wtp: number;
    if (narrow) {
      // [taps·ci, co] -> [taps·ci, co4], zero-padded.
      wtp = inputPadded(scope, w, taps * g.inC, g.outC, coK);
    } else {
      const wp = scope.input(w);
      wtp = scope.output(Float32Array, wtLen);
      const rt = kernel<TransposeFilterFn>('nnTransposeFilter')(wp, wtp, taps, g.inC, g.outC, ciK);
      if (rt !== 0) throw new NnKernelError(`nnTransposeFilter rejected its arguments (code ${rt})`);
    }
    let dyp: number;
    if (ph === g.outH && pw === g.outW && coK === g.outC) {
      dyp = scope.input(dy);
    } else {
      dyp = scope.output(Float32Array, g.batch * dyImg);
      const pad = view(Float32Array, dyp, g.batch * dyImg);
      const row = g.outW * g.outC;
      for (let b = 0; b < g.batch; b++) {
        for (let y = 0; y < g.outH; y++) {
          const s = (b * g.outH + y) * row;
          const d = ((b * ph + y + bt) * pw + bl) * coK;
          if (coK === g.outC) pad.set(dy.subarray(s, s + row), d);
          else writePadded(pad, d, dy.subarray(s, s + row), g.outW, g.outC, coK);
        }
      }
    }
    const dxp = scope.alloc(g.batch * dxImg * 4);
    let stage: Float32Array | null = null;
    if (theirs > 0 && helper !== null) {
      const dyn = theirs * dyImg;
      const dxn = theirs * dxImg;
      stage = helper.staging(dyn + wtLen + dxn);
      stage.set(view(Float32Array, dyp + mine * dyImg * 4, dyn), 0);
      stage.set(view(Float32Array, wtp, wtLen), dyn);
      helper.start(
        name,
        [
          [0, dyn, 1],
          [dyn, wtLen, 1],
          [dyn + wtLen, dxn, 2],
        ],
        args(theirs),
      );
    }
    const t0 = performance.now();
    const rc = run(dyp, wtp, dxp, ...args(mine));
    const t1 = performance.now();
    if (rc !== 0) throw new NnKernelError(`${name} rejected its arguments (code ${rc})`);
    unpad(dst, 0, view(Float32Array, dxp, mine * dxImg), mine * imgPixels, g.inC, ciK);
    if (theirs > 0) {
      if (helper !== null && stage !== null && finishSplit(helper, t0, t1)) {
        const o = theirs * dyImg + wtLen;
        unpad(
          dst,
          mine * imgPixels * g.inC,
          stage.subarray(o, o + theirs * dxImg),
          theirs * imgPixels,
          g.inC,
          ciK,
        );
      } else {
        const rc2 = run(dyp + mine * dyImg * 4, wtp, dxp + mine * dxImg * 4, ...args(theirs));
        if (rc2 !== 0) throw new NnKernelError(`${name} rejected its arguments (code ${rc2})`);
        unpad(
          dst,
          mine * imgPixels * g.inC,
          view(Float32Array, dxp + mine * dxImg * 4, theirs * dxImg),
          theirs * imgPixels,
          g.inC,
          ciK,
        );
      }
    }
  });
  return dst;
}
