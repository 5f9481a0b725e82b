// Registers unet-wasm's training kernels for the tfjs 'wasm' backend through tfjs's kernel
// registry, so the rest of tfjs (ops, gradients, layers) is unchanged.
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { conv2dBackpropFilterConfig } from './kernels/conv2dBackpropFilter.js';
import { conv2dBackpropInputConfig } from './kernels/conv2dBackpropInput.js';
import { tileConfig } from './kernels/tile.js';
import { concatConfig, splitVConfig } from './kernels/concatSplit.js';
import { maxPoolGradConfig } from './kernels/maxPoolGrad.js';
import { adamUpdateConfig } from './kernels/adamUpdate.js';
import { sumChannelsConfig } from './kernels/sumChannels.js';
import { identityConfig } from './kernels/identity.js';
import {
  batchNormTrainConfig,
  batchNormTrainGradConfig,
  registerBatchNormTrainGradient,
} from './kernels/batchNormTrain.js';
import { conv2dActivationConfig, registerConv2dActivationGradient } from './kernels/conv2dActivation.js';
import { reluGradConfig } from './kernels/reluGrad.js';
import { stockKernels as replaced } from './stock.js';

/** Names of the kernels unet-wasm provides for 'wasm'. */
export const WASM_KERNEL_NAMES = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'MaxPoolGrad',
  'Concat',
  'SplitV',
  'Tile',
  'UNetBatchNormTrain',
  'UNetBatchNormTrainGrad',
  'UnetAdamUpdate',
  'Sum',
  'Identity',
  'UNetConv2D',
  'UNetReluGrad',
] as const;
export type WasmKernelName = (typeof WASM_KERNEL_NAMES)[number];

const ours: Record<WasmKernelName, KernelConfig> = {
  Conv2DBackpropFilter: conv2dBackpropFilterConfig,
  Conv2DBackpropInput: conv2dBackpropInputConfig,
  MaxPoolGrad: maxPoolGradConfig,
  Concat: concatConfig,
  SplitV: splitVConfig,
  Tile: tileConfig,
  UNetBatchNormTrain: batchNormTrainConfig,
  UNetBatchNormTrainGrad: batchNormTrainGradConfig,
  UnetAdamUpdate: adamUpdateConfig,
  Sum: sumChannelsConfig,
  Identity: identityConfig,
  UNetConv2D: conv2dActivationConfig,
  UNetReluGrad: reluGradConfig,
};

/**
 * Registers our kernels for 'wasm' (idempotent). Call it after the wasm backend has initialised
 * (as `initBackend` does), so that stock kernels we replace keep their setup and can be restored.
 * @param names which kernels to register; default all of `WASM_KERNEL_NAMES`.
 * @returns the names that are now ours.
 */
export function registerWasmKernels(names: readonly WasmKernelName[] = WASM_KERNEL_NAMES): WasmKernelName[] {
  registerBatchNormTrainGradient();
  registerConv2dActivationGradient();
  for (const name of names) {
    const cfg = ours[name];
    const current = getKernel(name, 'wasm');
    if (current?.kernelFunc === cfg.kernelFunc) continue;
    if (current !== undefined) {
      replaced.set(name, current);
      unregisterKernel(name, 'wasm');
    }
    registerKernel(cfg);
  }
  return [...names];
}

/** Removes our kernels and puts back the stock ones they replaced (for A/B benchmarks). */
export function unregisterWasmKernels(names: readonly WasmKernelName[] = WASM_KERNEL_NAMES): void {
  for (const name of names) {
    const current = getKernel(name, 'wasm');
    if (current?.kernelFunc !== ours[name].kernelFunc) continue;
    unregisterKernel(name, 'wasm');
    const stock = replaced.get(name);
    if (stock !== undefined) registerKernel(stock);
    replaced.delete(name);
  }
}
