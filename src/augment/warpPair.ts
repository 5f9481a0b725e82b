import { warpPairWasm } from '../kernels/augment.js';
import { AugmentError } from './errors.js';
import { checkArray } from './validate.js';
import { warpOut, warpParams, type WarpOptions } from './warp.js';

/** Options of `warpPair`: the geometry of `warp`, shared by the image and its label. */
export interface WarpPairOptions extends Omit<WarpOptions, 'interpolation' | 'out'> {
  /** Value outside the source for the image with boundary 'constant'; default 0. */
  constant?: number;
  /** Value outside the source for the label with boundary 'constant': an integer 0..255; default 0. */
  labelConstant?: number;
  /**
   * Arrays to write the results into instead of new ones (outWidth*outHeight elements each; they
   * may be the inputs themselves).
   */
  out?: { image: Float32Array; label: Uint8Array };
}

/**
 * Warps an image (bilinear) and its label (nearest) with the same map in one pass: each label
 * pixel samples the very source position its image pixel does, and the field is copied to WASM
 * once. The result equals `warp(image, …, 'linear')` and `warp(label, …, 'nearest')` with the
 * same options, bit for bit; see `warp` for the map and the options.
 * @throws AugmentError on bad sizes, arrays or options (label not width*height, say).
 */
export function warpPair(
  image: Float32Array,
  label: Uint8Array,
  width: number,
  height: number,
  options: WarpPairOptions = {},
): { image: Float32Array; label: Uint8Array } {
  if (!(image instanceof Float32Array)) throw new AugmentError('image must be a Float32Array');
  if (!(label instanceof Uint8Array)) throw new AugmentError('label must be a Uint8Array');
  const o = options ?? {};
  // warp's validation for the shared geometry, `out` and the label's constant handled here.
  const { out: outOption, labelConstant, ...geometry } = o;
  const p = warpParams(image, width, height, { ...geometry, interpolation: 'linear' });
  checkArray(label, width, height, 'label');
  const lp = warpParams(label, width, height, {
    ...geometry,
    interpolation: 'nearest',
    constant: labelConstant ?? 0,
  });
  const n = p.outW * p.outH;
  let out: { image: Float32Array; label: Uint8Array } | undefined;
  if (outOption !== undefined) {
    const { image: oi, label: ol } = (outOption ?? {}) as Partial<WarpPairOptions['out'] & object>;
    if (oi === undefined || ol === undefined)
      throw new AugmentError('out must be { image: Float32Array, label: Uint8Array }');
    out = { image: warpOut(image, n, oi)!, label: warpOut(label, n, ol)! };
    if (
      out.image.buffer === out.label.buffer &&
      out.image.byteOffset < out.label.byteOffset + out.label.byteLength &&
      out.label.byteOffset < out.image.byteOffset + out.image.byteLength
    )
      throw new AugmentError('out.image and out.label must not overlap');
  }
  const par = Float32Array.of(...p.par, lp.par[6]!);
  const r = warpPairWasm(image, label, width, height, p.dx, p.dy, { ...p, par }, out);
  return outOption ?? r;
}
