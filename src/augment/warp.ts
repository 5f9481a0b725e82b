import { warpWasm, type WarpKernelParams } from '../kernels/augment.js';
import { AugmentError } from './errors.js';
import { checkArray, checkFinite, checkFloat32, checkSize } from './validate.js';

/**
 * A 2x3 affine `[a, b, tx, c, d, ty]` mapping OUTPUT pixels to SOURCE positions about the source
 * centre c = ((width-1)/2, (height-1)/2):
 *   sx = a (X - cx) + b (Y - cy) + tx + cx,   sy = c (X - cx) + d (Y - cy) + ty + cy.
 * Identity: [1, 0, 0, 0, 1, 0]. Horizontal flip: [-1, 0, 0, 0, 1, 0]. To rotate the content
 * by theta (counter-clockwise on screen, y down), sample with the inverse rotation.
 */
export type Affine = readonly [number, number, number, number, number, number];

/** Options of `warp`. */
export interface WarpOptions {
  /** Displacement added to the source x of each output pixel (outWidth*outHeight). */
  dx?: Float32Array;
  /** Displacement added to the source y (outWidth*outHeight). Give both dx and dy, or neither. */
  dy?: Float32Array;
  /** Affine part of the map (see `Affine`); default identity. */
  affine?: Affine | ArrayLike<number>;
  /**
   * 'linear' (bilinear, default) or 'nearest' (never invents values: use it for labels; the pixel
   * nearest to the exact source position, halves rounding up).
   */
  interpolation?: 'linear' | 'nearest';
  /** Border rule: 'reflect' (half-sample symmetric, default) or 'constant'. */
  boundary?: 'reflect' | 'constant';
  /** Value outside the source with boundary 'constant'; default 0 (an integer 0..255 for Uint8Array). */
  constant?: number;
  /** Output width; default the source width. */
  outWidth?: number;
  /** Output height; default the source height. */
  outHeight?: number;
  /** Output pixel (0, 0) sits at source pixel (offsetX, offsetY) before the map; default 0. */
  offsetX?: number;
  /** See offsetX. */
  offsetY?: number;
  /**
   * Array to write the result into (same type as `src`, outWidth*outHeight elements; it may be
   * `src` itself) instead of a new one. Reusing arrays skips the page faults of fresh memory
   * (0.1–1.1 ms per new 1 MB array on the 2-core VMs measured, see `npm run bench:augment`'s probe).
   */
  out?: Float32Array | Uint8Array;
}

/** The validated `out` option of warp (undefined: allocate). */
export function warpOut<T extends Float32Array | Uint8Array>(src: T, n: number, out: unknown): T | undefined {
  if (out === undefined) return undefined;
  if (out?.constructor !== src.constructor)
    throw new AugmentError(`out must be a ${src.constructor.name} like src`);
  const arr = out as T;
  if (arr.length !== n) throw new AugmentError(`out has ${arr.length} elements, expected ${n}`);
  return arr;
}

/** Validated warp options in kernel form (shared with the reference and the pipeline). */
export function warpParams(
  src: Float32Array | Uint8Array,
  width: number,
  height: number,
  options: WarpOptions,
): WarpKernelParams & { dx?: Float32Array; dy?: Float32Array } {
  checkSize(width, height, 'source');
  checkArray(src, width, height, 'src');
  const o = options ?? {};
  const outW = o.outWidth ?? width;
  const outH = o.outHeight ?? height;
  checkSize(outW, outH, 'output');
  const offX = o.offsetX ?? 0;
  const offY = o.offsetY ?? 0;
  for (const [v, name] of [
    [offX, 'offsetX'],
    [offY, 'offsetY'],
  ] as const) {
    if (!Number.isInteger(v) || Math.abs(v) > 1 << 20) {
      throw new AugmentError(`${name} must be an integer within +-2^20, got ${v}`);
    }
  }
  const interpolation = o.interpolation ?? 'linear';
  if (interpolation !== 'linear' && interpolation !== 'nearest') {
    throw new AugmentError(`interpolation must be 'linear' or 'nearest', got ${String(interpolation)}`);
  }
  const boundary = o.boundary ?? 'reflect';
  if (boundary !== 'reflect' && boundary !== 'constant') {
    throw new AugmentError(`boundary must be 'reflect' or 'constant', got ${String(boundary)}`);
  }
  const constant = o.constant ?? 0;
  checkFinite(constant, 'constant');
  if (src instanceof Uint8Array && (!Number.isInteger(constant) || constant < 0 || constant > 255)) {
    throw new AugmentError(`constant must be an integer in [0, 255] for a Uint8Array, got ${constant}`);
  }
  if ((o.dx === undefined) !== (o.dy === undefined))
    throw new AugmentError('give both dx and dy, or neither');
  if (o.dx !== undefined) {
    checkFloat32(o.dx, outW * outH, 'dx');
    checkFloat32(o.dy, outW * outH, 'dy');
  }
  const m = o.affine ?? [1, 0, 0, 0, 1, 0];
  if (m.length !== 6)
    throw new AugmentError(`affine must have 6 numbers [a, b, tx, c, d, ty], got ${m.length}`);
  for (let i = 0; i < 6; i++) checkFinite(m[i], `affine[${i}]`);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const par = Float32Array.of(m[0]!, m[1]!, m[2]! + cx, m[3]!, m[4]!, m[5]! + cy, constant);
  return {
    par,
    outW,
    outH,
    offX,
    offY,
    nearest: interpolation === 'nearest',
    constant: boundary === 'constant',
    ...(o.dx ? { dx: o.dx, dy: o.dy } : {}),
  };
}

/**
 * Resamples `src` (Float32Array or Uint8Array, row-major width x height): output pixel (x, y)
 * takes the source value at affine(x + offsetX, y + offsetY) + (dx, dy)[y * outWidth + x], all in
 * one pass (see `Affine` for the convention). 'linear' is bilinear (rounded to nearest for
 * Uint8Array), 'nearest' copies a source value. Returns the same array type as `src`, of
 * outWidth x outHeight. The offsets and output size cut a tile straight out of a larger slice,
 * sampling outside the tile from the slice itself and outside the slice by the border rule.
 * @throws AugmentError on bad sizes, arrays or options.
 */
export function warp<T extends Float32Array | Uint8Array>(
  src: T,
  width: number,
  height: number,
  options: WarpOptions = {},
): T {
  const p = warpParams(src, width, height, options);
  return warpWasm(src, width, height, p.dx, p.dy, p, warpOut(src, p.outW * p.outH, options?.out));
}
