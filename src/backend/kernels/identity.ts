// Identity for 'wasm' without a copy. tfjs clones every tensor a custom-gradient op saves for the
// backward pass (a fused conv saves its input, filter, bias and output), and the stock wasm
// Identity copies the data each time: ~150 full copies per U-Net training step. As the 'cpu'
// backend does, ours shares the data and counts the reference (tfjs-wasm's Reshape works the same
// way; no kernel writes into its inputs). String tensors go to the stock kernel.
import { Identity, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { callStock } from '../stock.js';
import type { WasmBackend } from './util.js';

function identity(args: { inputs: { x: TensorInfo }; backend: WasmBackend; attrs: object }): TensorInfo {
  const { inputs, backend } = args;
  const { x } = inputs;
  if (x.dtype === 'string') return callStock(Identity, args) as TensorInfo;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

export const identityConfig: KernelConfig = {
  kernelName: Identity,
  backendName: 'wasm',
  kernelFunc: identity as unknown as KernelFunc,
};
