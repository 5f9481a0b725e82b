import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
// Registers the 'wasm' factory now, so that the first test can watch its first initialisation.
import '@tensorflow/tfjs-backend-wasm';
import {
  BackendError,
  initBackend,
  registerWasmKernels,
  unregisterWasmKernels,
  WASM_KERNEL_NAMES,
} from '../../src/backend/index.js';

const wasmDist = `${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json'))}/dist/`;

describe('backend/initBackend', () => {
  // Must stay the first initialisation of 'wasm' in this file. tf.findBackend('wasm') would itself
  // start one with the default paths, and setBackend a second: two module instances.
  it("applies wasmPaths before the first initialisation and initialises 'wasm' once", async () => {
    const entry = tf.engine().registryFactory['wasm']!;
    expect('wasm' in tf.engine().registry).toBe(false);
    const factory = entry.factory;
    let calls = 0;
    entry.factory = () => {
      calls++;
      return factory();
    };
    try {
      expect(await initBackend('wasm', { wasmPaths: wasmDist })).toBe('wasm');
      expect(calls).toBe(1);
      // Later calls keep the running backend: no second initialisation, and setWasmPaths (which
      // throws once an initialisation has failed) is not called again.
      expect(await initBackend('wasm', { wasmPaths: '/nonexistent/' })).toBe('wasm');
      expect(calls).toBe(1);
    } finally {
      entry.factory = factory;
    }
  });

  it("initialises 'wasm' in Node and registers our kernels", async () => {
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

  it("in Node, 'webgpu' is a BackendError that says WebGPU is unavailable, and nothing changes", async () => {
    await initBackend('wasm');
    const err = await initBackend('webgpu').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as Error).message).toMatch(/^WebGPU unavailable: navigator\.gpu does not exist/);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('rejects an unknown backend name with a BackendError', async () => {
    await expect(initBackend('tpu' as never)).rejects.toThrow(BackendError);
  });
});
