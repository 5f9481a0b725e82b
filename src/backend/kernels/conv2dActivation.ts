// A 2-D convolution with optional bias and ReLU for 'wasm' whose gradient is registered in tfjs's
// gradient registry. The forward is tfjs-wasm's own FusedConv2D (XNNPACK, ReLU fused). tfjs's
// fused.conv2d cannot be used while training: with a ReLU it falls back to three ops (conv, add,
// relu), and without one its gradient is an eager custom gradient that also computes the input
// gradient of the first layer, whose input is the image. Here the gradient is per input and lazy,
// so the tape only asks for what reaches a variable, and ReLU's mask is UNetReluGrad (one SIMD
// pass on the heap, see reluGrad.ts; the stock Relu gradient adds a float32-to-float32 cast, a
// copy on 'wasm').
import {
  engine,
  getGradient,
  getKernel,
  mul,
  registerGradient,
  step,
  sum,
  type Conv2DBackpropFilterAttrs,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type Tensor,
  type Tensor4D,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import { KernelSupportError } from '../errors.js';
import { RELU_GRAD } from './reluGrad.js';
import { callKernel, type WasmBackend } from './util.js';

/** Forward: inputs {x [b, h, w, ci], filter [fh, fw, ci, co], bias? [co]}; attrs {@link Conv2DActivationAttrs}. */
export const CONV2D_ACTIVATION = 'UNetConv2D';

/** Attributes of {@link CONV2D_ACTIVATION} (NHWC, dilation 1). */
export interface Conv2DActivationAttrs extends NamedAttrMap {
  strides: [number, number];
  pad: 'same' | 'valid';
  activation: 'linear' | 'relu';
}

function conv2dActivation(args: {
  inputs: { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo };
  backend: WasmBackend;
  attrs: Conv2DActivationAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  if (attrs.activation !== 'linear' && attrs.activation !== 'relu')
    throw new KernelSupportError(`${CONV2D_ACTIVATION}: activation must be 'linear' or 'relu'`);
  const { x, filter, bias } = inputs;
  return callKernel('FusedConv2D', backend, bias ? { x, filter, bias } : { x, filter }, {
    strides: attrs.strides,
    pad: attrs.pad,
    dataFormat: 'NHWC',
    dilations: [1, 1],
    dimRoundingMode: null,
    activation: attrs.activation,
  } as unknown as NamedAttrMap);
}

export const conv2dActivationConfig: KernelConfig = {
  kernelName: CONV2D_ACTIVATION,
  backendName: 'wasm',
  kernelFunc: conv2dActivation as unknown as KernelFunc,
};

/**
 * Registers the gradient of {@link CONV2D_ACTIVATION} (idempotent). It runs where the forward ran
 * ('wasm'): the stock Conv2DBackpropInput/Filter kernels (ours on 'wasm') and a Sum for the bias.
 */
export function registerConv2dActivationGradient(): void {
  if (getGradient(CONV2D_ACTIVATION) !== undefined) return;
  registerGradient({
    kernelName: CONV2D_ACTIVATION,
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dys: Tensor | Tensor[], saved: Tensor[], attrs?: NamedAttrMap) => {
      const dy = Array.isArray(dys) ? dys[0]! : dys;
      const [x, filter, y] = saved as [Tensor4D, Tensor4D, Tensor4D];
      const a = attrs as Conv2DActivationAttrs;
      // Shared by the closures, so computed here (in the backward pass's tidy, not theirs).
      let g = dy;
      if (a.activation === 'relu') {
        const fused = getKernel(RELU_GRAD, engine().backendName) !== undefined;
        g = fused ? (engine().runKernel(RELU_GRAD, { dy, y }) as Tensor) : mul(dy, step(y));
      }
      const common = {
        strides: a.strides,
        pad: a.pad,
        dataFormat: 'NHWC' as const,
        dimRoundingMode: undefined,
      };
      return {
        x: () =>
          engine().runKernel('Conv2DBackpropInput', { dy: g, filter }, {
            ...common,
            inputShape: x.shape,
          } as unknown as Conv2DBackpropInputAttrs & NamedAttrMap) as Tensor,
        filter: () =>
          engine().runKernel('Conv2DBackpropFilter', { x, dy: g }, {
            ...common,
            filterShape: filter.shape,
          } as unknown as Conv2DBackpropFilterAttrs & NamedAttrMap) as Tensor,
        bias: () => sum(g, [0, 1, 2]),
      };
    },
  });
}
