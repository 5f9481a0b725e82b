// JS wrappers for the augment kernels (assembly/augment). The only augment code that touches
// WASM memory: callers pass and receive plain typed arrays. Arguments are validated by
// src/augment before they get here; a negative kernel status still becomes a typed error.
import { withScope, copyInto, copyOut, kernel, view, type Scope } from './memory.js';
import { packCoefficients, type DericheCoefficients } from '../augment/deriche.js';
import type { RngState } from '../random/index.js';
import type { FieldPlan } from '../augment/fieldPlan.js';

/** A kernel refused its arguments (should not happen after src/augment's validation). */
export class AugmentKernelError extends Error {
  override name = 'AugmentKernelError';
}

function check(status: number, what: string): void {
  if (status < 0) {
    const why = status === -2 ? 'a buffer lies outside WASM memory' : 'an argument is out of range';
    throw new AugmentKernelError(`${what}: ${why} (status ${status})`);
  }
}

type XoshiroU32 = (state: number, out: number, n: number) => number;
type UniformF32 = (state: number, out: number, n: number, lo: number, hi: number) => number;
type BlurF32 = (
  src: number,
  dst: number,
  tmp: number,
  scratch: number,
  w: number,
  h: number,
  co: number,
  settle: number,
) => number;
type BlurScratch = (w: number, h: number, settle: number) => number;

/** n raw outputs of xoshiro128** from `state` (WASM port; tests compare it with Rng.nextU32). */
export function xoshiroU32Wasm(state: RngState, n: number): { values: Uint32Array; state: RngState } {
  return withScope((s) => {
    const sp = s.input(Uint32Array.from(state));
    const out = s.output(Uint32Array, n);
    check(kernel<XoshiroU32>('augXoshiroU32')(sp, out, n), 'augXoshiroU32');
    return { values: copyOut(Uint32Array, out, n), state: Array.from(view(Uint32Array, sp, 4)) as RngState };
  });
}

/** n uniforms in [lo, hi) from `state`, exactly Float32Array.from(n draws of rng.uniform(lo, hi)). */
export function uniformF32Wasm(state: RngState, n: number, lo: number, hi: number): Float32Array {
  return withScope((s) => {
    const sp = s.input(Uint32Array.from(state));
    const out = s.output(Float32Array, n);
    check(kernel<UniformF32>('augUniformF32')(sp, out, n, lo, hi), 'augUniformF32');
    return copyOut(Float32Array, out, n);
  });
}

type Noise4 = (states: number, out: number, n: number) => number;

/** n values of the 4-lane field noise from 4 generator states (see src/augment/fieldNoise.ts). */
export function noise4Wasm(states: Uint32Array, n: number): Float32Array {
  return withScope((s) => {
    const sp = s.input(states);
    const out = s.alloc(n * 4);
    check(kernel<Noise4>('augNoise4')(sp, out, n), 'augNoise4');
    return copyOut(Float32Array, out, n);
  });
}

/** Allocates the blur's temporaries in scope `s`; returns [tmp, scratch, coeffs] pointers. */
function blurBuffers(s: Scope, w: number, h: number, k: DericheCoefficients): [number, number, number] {
  const bytes = kernel<BlurScratch>('augBlurScratchBytes')(w, h, k.settle);
  check(bytes, 'augBlurScratchBytes');
  return [s.alloc(w * h * 4), s.alloc(bytes), s.input(packCoefficients(k))];
}

/** Deriche Gaussian blur of a w x h f32 image in WASM. */
export function gaussianBlurWasm(
  src: Float32Array,
  w: number,
  h: number,
  k: DericheCoefficients,
): Float32Array {
  return withScope((s) => {
    const sp = s.input(src);
    const dp = s.alloc(w * h * 4);
    const [tmp, scratch, co] = blurBuffers(s, w, h, k);
    check(
      kernel<BlurF32>('augGaussianBlurF32')(sp, dp, tmp, scratch, w, h, co, k.settle),
      'augGaussianBlurF32',
    );
    return copyOut(Float32Array, dp, w * h);
  });
}

type ElasticF32 = (
  state: number,
  dx: number,
  dy: number,
  tmp: number,
  scratch: number,
  w: number,
  h: number,
  co: number,
  settle: number,
  coV: number,
) => number;

type ElasticMultirateF32 = (
  state: number,
  dx: number,
  dy: number,
  tmp: number,
  scratch: number,
  w: number,
  h: number,
  k: number,
  coH: number,
  settleH: number,
  coC: number,
  settleC: number,
  mr: number,
) => number;
type FieldScratch = (w: number, h: number, k: number, settleH: number, settleC: number) => number;

/** The field's kernel inputs: noise states, plan (src/augment/fieldPlan.ts), alpha. */
export interface FieldKernelInput {
  states: Uint32Array;
  plan: FieldPlan;
  alpha: number;
}

/** Runs the elastic field kernel of `field.plan` in scope `s`; returns the dx and dy pointers. */
function runElasticField(s: Scope, w: number, h: number, field: FieldKernelInput): [number, number] {
  const { plan, alpha } = field;
  const sp = s.input(field.states);
  const dx = s.alloc(w * h * 4);
  const dy = s.alloc(w * h * 4);
  if (plan.k === 1) {
    const [tmp, scratch, co] = blurBuffers(s, w, h, plan.fine);
    const coV = s.input(packCoefficients(plan.fine, alpha));
    check(
      kernel<ElasticF32>('augElasticField')(sp, dx, dy, tmp, scratch, w, h, co, plan.fine.settle, coV),
      'augElasticField',
    );
    return [dx, dy];
  }
  const bytes = kernel<FieldScratch>('augFieldScratchBytes')(
    w,
    h,
    plan.k,
    plan.fine.settle,
    plan.coarse.settle,
  );
  check(bytes, 'augFieldScratchBytes');
  const mr = new Float32Array(16 + 4 * plan.k);
  mr.set(plan.taps);
  mr.set(
    plan.weights.map((v) => v * alpha),
    16,
  );
  check(
    kernel<ElasticMultirateF32>('augElasticFieldMultirate')(
      sp,
      dx,
      dy,
      s.alloc(w * h * 4),
      s.alloc(bytes),
      w,
      h,
      plan.k,
      s.input(packCoefficients(plan.fine)),
      plan.fine.settle,
      s.input(packCoefficients(plan.coarse)),
      plan.coarse.settle,
      s.input(mr),
    ),
    'augElasticFieldMultirate',
  );
  return [dx, dy];
}

/** alpha * blur(uniform noise) for dx and dy, noise from the 8 `states` (see src/augment/fieldNoise.ts). */
export function elasticFieldWasm(
  w: number,
  h: number,
  field: FieldKernelInput,
  out?: { dx: Float32Array; dy: Float32Array },
): { dx: Float32Array; dy: Float32Array } {
  return withScope((s) => {
    const [dx, dy] = runElasticField(s, w, h, field);
    if (out) return { dx: copyInto(out.dx, dx, w * h), dy: copyInto(out.dy, dy, w * h) };
    return { dx: copyOut(Float32Array, dx, w * h), dy: copyOut(Float32Array, dy, w * h) };
  });
}

type WarpFn = (
  kind: number,
  src: number,
  w: number,
  h: number,
  dst: number,
  outW: number,
  outH: number,
  offX: number,
  offY: number,
  dx: number,
  dy: number,
  par: number,
  mode: number,
  boundary: number,
) => number;

/** Everything augWarp needs besides the arrays (already validated and rounded by the caller). */
export interface WarpKernelParams {
  /** [a, b, tx + cx, c, d, ty + cy, constant], and for the pair kernels the label's constant. */
  par: Float32Array;
  outW: number;
  outH: number;
  offX: number;
  offY: number;
  nearest: boolean;
  constant: boolean;
}

/**
 * Output rows per kernel call when a warp's field comes from JS: about 64 KB of each field
 * component. A band's field is copied in and its output copied out while they are still in
 * cache; whole-image copies sent the 2 MB field of a 512² pair through memory once more per
 * call. One band when offY + the rows could leave the kernel's offset range.
 */
export function bandRows(outW: number, outH: number, offY: number): number {
  if (Math.abs(offY) + outH > 1 << 20) return outH;
  return Math.max(1, Math.min(outH, Math.floor(16384 / outW)));
}

/**
 * Calls `fn` for each band of `rows` output rows: its first row y0, its height, and its first element
 * and length in an `outW`-wide output.
 */
function eachBand(
  rows: number,
  outW: number,
  outH: number,
  fn: (y0: number, bh: number, at: number, len: number) => void,
): void {
  for (let y0 = 0; y0 < outH; y0 += rows) {
    const bh = Math.min(rows, outH - y0);
    fn(y0, bh, y0 * outW, bh * outW);
  }
}

/** Copies `len` floats of dx and dy from element `at` into the band buffers at dxp and dyp. */
function copyFieldBand(
  dxp: number,
  dyp: number,
  dx: Float32Array,
  dy: Float32Array,
  at: number,
  len: number,
): void {
  view(Float32Array, dxp, len).set(dx.subarray(at, at + len));
  view(Float32Array, dyp, len).set(dy.subarray(at, at + len));
}

/** Warps a f32 or u8 image in WASM; dx/dy (outW*outH each) are optional; `out` receives the result. */
export function warpWasm<T extends Float32Array | Uint8Array>(
  src: T,
  w: number,
  h: number,
  dx: Float32Array | undefined,
  dy: Float32Array | undefined,
  p: WarpKernelParams,
  out?: T,
): T {
  return withScope((s) => {
    const isF32 = src instanceof Float32Array;
    const ctor = isF32 ? Float32Array : Uint8Array;
    // The whole source goes in first, so `out` may be `src` itself.
    const sp = s.input(src);
    const pp = s.input(p.par);
    const res = (out ?? new ctor(p.outW * p.outH)) as T;
    const rows = bandRows(p.outW, p.outH, p.offY);
    const dxp = dx ? s.alloc(rows * p.outW * 4) : 0;
    const dyp = dy ? s.alloc(rows * p.outW * 4) : 0;
    const dp = s.alloc(rows * p.outW * ctor.BYTES_PER_ELEMENT);
    const run = kernel<WarpFn>('augWarp');
    eachBand(rows, p.outW, p.outH, (y0, bh, at, len) => {
      if (dx && dy) copyFieldBand(dxp, dyp, dx, dy, at, len);
      const status = run(
        isF32 ? 0 : 1,
        sp,
        w,
        h,
        dp,
        p.outW,
        bh,
        p.offX,
        p.offY + y0,
        dxp,
        dyp,
        pp,
        p.nearest ? 1 : 0,
        p.constant ? 1 : 0,
      );
      check(status, 'augWarp');
      copyInto(res.subarray(at, at + len), dp, len);
    });
    return res;
  });
}

type WarpPairFn = (
  img: number,
  lab: number,
  w: number,
  h: number,
  dstImg: number,
  outW: number,
  outH: number,
  offX: number,
  offY: number,
  dstLab: number,
  labX: number,
  labY: number,
  labW: number,
  labH: number,
  dx: number,
  dy: number,
  par: number,
  boundary: number,
) => number;

/** Where the label tile sits inside the image tile. */
export interface LabelWindow {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The output arrays of a pair warp. */
export interface WarpPairOut {
  image: Float32Array;
  label: Uint8Array;
}

/** Pointers of a pair warp's inputs and outputs in WASM memory (dx = dy = 0: no field). */
interface PairBuffers {
  image: number;
  label: number;
  dstImage: number;
  dstLabel: number;
  dx: number;
  dy: number;
  par: number;
}

/** One augWarpPair call: `fh` output rows from row offset `offY`, the label in window `lab`. */
function callWarpPair(
  b: PairBuffers,
  w: number,
  h: number,
  imageP: WarpKernelParams,
  fh: number,
  offY: number,
  lab: LabelWindow,
): void {
  const status = kernel<WarpPairFn>('augWarpPair')(
    b.image,
    b.label,
    w,
    h,
    b.dstImage,
    imageP.outW,
    fh,
    imageP.offX,
    offY,
    b.dstLabel,
    lab.x,
    lab.y,
    lab.width,
    lab.height,
    b.dx,
    b.dy,
    b.par,
    imageP.constant ? 1 : 0,
  );
  check(status, 'augWarpPair');
}

/** The sources and `par` of a pair warp copied in (`imageP.par` carries augWarp's 7 floats and the label's constant). */
function pairInputs(s: Scope, image: Float32Array, label: Uint8Array, imageP: WarpKernelParams) {
  if (imageP.par.length !== 8)
    throw new AugmentKernelError(`augWarpPair: par needs 8 floats, got ${imageP.par.length}`);
  return { image: s.input(image), label: s.input(label), par: s.input(imageP.par) };
}

/**
 * Warps an image (linear) and its label (nearest) with one geometry in one pass: the field is
 * copied in once and each label pixel reuses the source position of its image pixel. Same
 * result as two warpWasm calls. dx/dy (outW*outH each) are optional. Runs in bands of rows, as
 * warpWasm.
 */
export function warpPairWasm(
  image: Float32Array,
  label: Uint8Array,
  w: number,
  h: number,
  dx: Float32Array | undefined,
  dy: Float32Array | undefined,
  imageP: WarpKernelParams,
  out?: WarpPairOut,
): WarpPairOut {
  return withScope((s) => {
    const fw = imageP.outW;
    const fh = imageP.outH;
    const src = pairInputs(s, image, label, imageP);
    const res = out ?? { image: new Float32Array(fw * fh), label: new Uint8Array(fw * fh) };
    const rows = bandRows(fw, fh, imageP.offY);
    const b: PairBuffers = {
      ...src,
      dstImage: s.alloc(rows * fw * 4),
      dstLabel: s.alloc(rows * fw),
      dx: dx ? s.alloc(rows * fw * 4) : 0,
      dy: dy ? s.alloc(rows * fw * 4) : 0,
    };
    eachBand(rows, fw, fh, (y0, bh, at, len) => {
      if (dx && dy) copyFieldBand(b.dx, b.dy, dx, dy, at, len);
      callWarpPair(b, w, h, imageP, bh, imageP.offY + y0, { x: 0, y: 0, width: fw, height: bh });
      copyInto(res.image.subarray(at, at + len), b.dstImage, len);
      copyInto(res.label.subarray(at, at + len), b.dstLabel, len);
    });
    return res;
  });
}

/**
 * Elastic field + warp of an image (linear) and its label (nearest) in one trip to WASM and one
 * pass: the field never leaves linear memory, and each label pixel reuses the source position
 * of the image pixel under it. The field covers the image output (`imageP.outW` x `outH`); the
 * label output is the window `lab` of it. Same result as elasticField + two warp calls.
 */
export function elasticWarpPairWasm(
  image: Float32Array,
  label: Uint8Array,
  w: number,
  h: number,
  field: FieldKernelInput | undefined,
  imageP: WarpKernelParams,
  lab: LabelWindow,
): WarpPairOut {
  return withScope((s) => {
    let dx = 0;
    let dy = 0;
    const fw = imageP.outW;
    const fh = imageP.outH;
    if (field) [dx, dy] = runElasticField(s, fw, fh, field);
    const src = pairInputs(s, image, label, imageP);
    const b: PairBuffers = {
      ...src,
      dstImage: s.alloc(fw * fh * 4),
      dstLabel: s.alloc(lab.width * lab.height),
      dx,
      dy,
    };
    callWarpPair(b, w, h, imageP, fh, imageP.offY, lab);
    const nl = lab.width * lab.height;
    return { image: copyOut(Float32Array, b.dstImage, fw * fh), label: copyOut(Uint8Array, b.dstLabel, nl) };
  });
}

type IntensityFn = (img: number, out: number, n: number, par: number, pivotIsMean: number) => number;
type NoiseFn = (img: number, out: number, n: number, std: number, state: number) => number;

/** augAdjustIntensity; pivot undefined = mean of the (gamma-corrected) image. */
export function adjustIntensityWasm(
  img: Float32Array,
  contrast: number,
  brightness: number,
  gamma: number,
  pivot: number | undefined,
): Float32Array {
  return withScope((s) => {
    const ip = s.input(img);
    const op = s.alloc(img.length * 4);
    const pp = s.input(Float32Array.of(contrast, brightness, gamma, pivot ?? 0));
    check(
      kernel<IntensityFn>('augAdjustIntensity')(ip, op, img.length, pp, pivot === undefined ? 1 : 0),
      'augAdjustIntensity',
    );
    return copyOut(Float32Array, op, img.length);
  });
}

/** augGaussianNoise with the four generator states (lane-major, 16 words). */
export function gaussianNoiseWasm(img: Float32Array, std: number, states: Uint32Array): Float32Array {
  return withScope((s) => {
    const ip = s.input(img);
    const op = s.alloc(img.length * 4);
    const sp = s.input(states);
    check(kernel<NoiseFn>('augGaussianNoise')(ip, op, img.length, std, sp), 'augGaussianNoise');
    return copyOut(Float32Array, op, img.length);
  });
}
