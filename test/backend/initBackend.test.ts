import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import {
  BackendError,
  initBackend,
  registerWasmKernels,
  unregisterWasmKernels,
  WASM_KERNEL_NAMES,
} from '../../src/backend/index.js';

describe('backend/initBackend', () => {
  it("initialises 'wasm' in Node with no path configuration and registers our kernels", async () => {
    expect(await initBackend()).toBe('wasm');
    for (const name of WASM_KERNEL_NAMES) expect(tf.getKernel(name, 'wasm')).toBeDefined();
  });

  it('is idempotent', async () => {
    const before = tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc;
    expect(await initBackend('wasm')).toBe('wasm');
    registerWasmKernels();
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc).toBe(before);
  });

  it('restores the stock kernels it replaced, and re-registers ours', async () => {
    await initBackend('wasm');
    const ours = tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc;
    unregisterWasmKernels();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc).not.toBe(ours);
    registerWasmKernels();
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc).toBe(ours);
  });

  it("switches to 'cpu' and back", async () => {
    expect(await initBackend('cpu')).toBe('cpu');
    expect(await initBackend('wasm')).toBe('wasm');
  });

  it('rejects an unknown backend name with a BackendError', async () => {
    await expect(initBackend('tpu' as never)).rejects.toThrow(BackendError);
  });
});
