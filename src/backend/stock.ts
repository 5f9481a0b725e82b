// The stock tfjs-wasm kernels that registerWasmKernels replaced, so our kernels can hand the cases
// they do not cover (e.g. string tensors) back to them.
import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { KernelSupportError } from './errors.js';

export const stockKernels = new Map<string, KernelConfig>();

/** Runs the replaced stock kernel `name`, or throws a KernelSupportError if there was none. */
export function callStock(
  name: string,
  args: { inputs: unknown; backend: unknown; attrs: unknown },
): TensorInfo | TensorInfo[] {
  const cfg = stockKernels.get(name);
  if (cfg === undefined) throw new KernelSupportError(`no stock 'wasm' kernel ${name} to fall back to`);
  return cfg.kernelFunc(args as { inputs: never; backend: never; attrs: NamedAttrMap });
}
