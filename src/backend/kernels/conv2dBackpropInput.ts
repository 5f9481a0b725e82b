// Conv2DBackpropInput for 'wasm' (stock tfjs-wasm has a slow direct loop; conv2dTranspose's forward
// pass runs through it too). Two implementations, chosen by `backpropInputImpl.use`:
// - 'as' (default, the winner in bench measurements on every U-Net layer): the AssemblyScript SIMD
//   gather kernel nnConv2dBackpropInput (src/kernels/nn.ts), any stride; in place on the tfjs heap
//   when our kernels are attached to it (src/kernels/nnInPlace.ts);
// - 'xnn': composed from the backend's own XNNPACK kernels, kept as the measured alternative:
//   filter == stride -> one matmul dy·Wᵀ then DepthToSpace; otherwise a forward Conv2D of
//   (zero-dilated, for stride > 1) dy with the filter rotated by 180° and its channel axes swapped.
import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { conv2dBackpropInput as nnBackpropInput } from '../../kernels/nn.js';
import { conv2dBackpropInputInPlace } from '../../kernels/nnInPlace.js';
import {
  callKernel,
  checkConvInfo,
  disposeAll,
  geometryOf,
  heapF32,
  heapOffset,
  reshaped,
  type WasmBackend,
} from './util.js';

/** Which implementation runs: our AssemblyScript kernel ('as') or a composition of XNNPACK kernels ('xnn'). */
export const backpropInputImpl: { use: 'as' | 'xnn' } = { use: 'as' };

interface Args {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: WasmBackend;
  attrs: Conv2DBackpropInputAttrs;
}

/** Crops/zero-extends `full` ([b, fullH, fullW, c], aligned so row `top` maps to row 0) to [b, h, w, c]. */
function cropTo(
  backend: WasmBackend,
  full: TensorInfo,
  top: number,
  left: number,
  h: number,
  w: number,
): TensorInfo {
  const [b, fullH, fullW, c] = full.shape as [number, number, number, number];
  if (top === 0 && left === 0 && fullH === h && fullW === w) return full;
  const extraH = Math.max(0, top + h - fullH);
  const extraW = Math.max(0, left + w - fullW);
  let src = full;
  if (extraH > 0 || extraW > 0) {
    src = callKernel(
      'PadV2',
      backend,
      { x: full },
      {
        paddings: [
          [0, 0],
          [0, extraH],
          [0, extraW],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
    disposeAll(backend, full);
  }
  const out = callKernel('Slice', backend, { x: src }, { begin: [0, top, left, 0], size: [b, h, w, c] });
  disposeAll(backend, src);
  return out;
}

/** dx for filter == stride: non-overlapping taps, so dx is a matmul and a depth-to-space. */
function viaMatMul(
  backend: WasmBackend,
  dy: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { batchSize: b, outHeight: oh, outWidth: ow, outChannels: co, inChannels: ci } = info;
  const { filterHeight: fh, filterWidth: fw } = info;
  const prod = callKernel(
    'BatchMatMul',
    backend,
    { a: reshaped(dy, [1, b * oh * ow, co]), b: reshaped(filter, [1, fh * fw * ci, co]) },
    { transposeA: false, transposeB: true },
  );
  let full: TensorInfo;
  if (fh === fw) {
    full = callKernel(
      'DepthToSpace',
      backend,
      { x: reshaped(prod, [b, oh, ow, fh * fw * ci]) },
      { blockSize: fh, dataFormat: 'NHWC' },
    );
  } else {
    // [b, oh, ow, fh, fw, ci] -> [b, oh, fh, ow, fw, ci]
    full = callKernel(
      'Transpose',
      backend,
      { x: reshaped(prod, [b, oh, ow, fh, fw, ci]) },
      { perm: [0, 1, 3, 2, 4, 5] },
    );
    full = reshaped(full, [b, oh * fh, ow * fw, ci]);
  }
  disposeAll(backend, prod);
  return cropTo(backend, full, info.padInfo.top, info.padInfo.left, info.inHeight, info.inWidth);
}

/** Inserts stride-1 zeros between the pixels of dy: [b, oh, ow, c] -> [b, (oh-1)·sh+1, (ow-1)·sw+1, c]. */
function dilate(backend: WasmBackend, dy: TensorInfo, sh: number, sw: number): TensorInfo {
  if (sh === 1 && sw === 1) return dy;
  const [b, oh, ow, c] = dy.shape as [number, number, number, number];
  const padded = callKernel(
    'PadV2',
    backend,
    { x: reshaped(dy, [b * oh, 1, ow, 1, c]) },
    {
      paddings: [
        [0, 0],
        [0, sh - 1],
        [0, 0],
        [0, sw - 1],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  const out = callKernel(
    'Slice',
    backend,
    { x: reshaped(padded, [b, oh * sh, ow * sw, c]) },
    {
      begin: [0, 0, 0, 0],
      size: [b, (oh - 1) * sh + 1, (ow - 1) * sw + 1, c],
    },
  );
  disposeAll(backend, padded);
  return out;
}

/** w[kh,kw,ci,co] -> w'[kh,kw,co,ci] = w[fh-1-kh, fw-1-kw, ci, co] (one pass; the stock Reverse is slow). */
function rotateFilter(backend: WasmBackend, filter: TensorInfo): TensorInfo {
  const [fh, fw, ci, co] = filter.shape as [number, number, number, number];
  const out = backend.makeOutput([fh, fw, co, ci], 'float32');
  const src = heapF32(backend, filter);
  const dst = heapF32(backend, out);
  for (let kh = 0; kh < fh; kh++) {
    for (let kw = 0; kw < fw; kw++) {
      const s0 = ((fh - 1 - kh) * fw + (fw - 1 - kw)) * ci * co;
      const d0 = (kh * fw + kw) * co * ci;
      for (let i = 0; i < ci; i++) {
        for (let o = 0; o < co; o++) dst[d0 + o * ci + i] = src[s0 + i * co + o]!;
      }
    }
  }
  return out;
}

/** dx as a forward convolution of (dilated) dy with the rotated, channel-swapped filter. */
function viaConv(
  backend: WasmBackend,
  dy: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const rotated = rotateFilter(backend, filter);
  const dyd = dilate(backend, dy, sh, sw);
  const dh = dyd.shape[1]!;
  const dw = dyd.shape[2]!;
  const top = fh - 1 - info.padInfo.top;
  const left = fw - 1 - info.padInfo.left;
  // Forward conv output height: dh + top + bottom - fh + 1 = inH.
  const bottom = info.inHeight - dh - top + fh - 1;
  const right = info.inWidth - dw - left + fw - 1;
  let dx: TensorInfo;
  if (top >= 0 && left >= 0 && bottom >= 0 && right >= 0) {
    dx = callKernel(
      'Conv2D',
      backend,
      { x: dyd, filter: rotated },
      {
        strides: [1, 1],
        pad: [
          [0, 0],
          [top, bottom],
          [left, right],
          [0, 0],
        ],
        dataFormat: 'NHWC',
        dilations: [1, 1],
      },
    );
  } else {
    // Negative padding (only with unusual explicit pads): convolve with what is >= 0, then crop.
    const full = callKernel(
      'Conv2D',
      backend,
      { x: dyd, filter: rotated },
      {
        strides: [1, 1],
        pad: [
          [0, 0],
          [Math.max(top, 0), Math.max(bottom, 0)],
          [Math.max(left, 0), Math.max(right, 0)],
          [0, 0],
        ],
        dataFormat: 'NHWC',
        dilations: [1, 1],
      },
    );
    dx = cropTo(backend, full, Math.max(-top, 0), Math.max(-left, 0), info.inHeight, info.inWidth);
  }
  disposeAll(backend, rotated);
  if (dyd !== dy) disposeAll(backend, dyd);
  return dx;
}

function conv2dBackpropInput(args: Args): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  checkConvInfo(info, Conv2DBackpropInput);
  if (backpropInputImpl.use === 'as') {
    const out = backend.makeOutput(info.inShape, 'float32');
    const g = geometryOf(info);
    const at = (t: TensorInfo): number => heapOffset(backend, t);
    if (conv2dBackpropInputInPlace(backend, at(dy), at(filter), g, at(out))) return out;
    nnBackpropInput(heapF32(backend, dy), heapF32(backend, filter), g, heapF32(backend, out));
    return out;
  }
  if (
    info.filterHeight === info.strideHeight &&
    info.filterWidth === info.strideWidth &&
    info.filterHeight > 1
  ) {
    return viaMatMul(backend, dy, filter, info);
  }
  return viaConv(backend, dy, filter, info);
}

export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as KernelFunc,
};
