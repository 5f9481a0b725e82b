// Chooses and initialises the tfjs backend. Isomorphic: no Node built-ins here.
import * as tf from '@tensorflow/tfjs-core';
import { BackendError } from './errors.js';
import { registerWasmKernels } from './registerWasmKernels.js';

/** Backends unet-wasm can train on. */
export type BackendName = 'wasm' | 'webgl' | 'webgpu' | 'cpu';

export interface InitBackendOptions {
  /**
   * Where tfjs-wasm finds its `.wasm` binaries (passed to `setWasmPaths`). Not needed in Node, where
   * tfjs-wasm reads them next to its own module. A browser bundle must set it, e.g. to a CDN folder
   * `https://cdn.jsdelivr.net/npm/@tensorflow/tfjs-backend-wasm@4.22.0/dist/` or to a map of file
   * names to URLs emitted by the bundler. Default: unset.
   */
  wasmPaths?: string | Record<string, string>;
  /** Register unet-wasm's training kernels on 'wasm'. Default true. */
  registerKernels?: boolean;
}

const BACKENDS: readonly BackendName[] = ['wasm', 'webgl', 'webgpu', 'cpu'];

/** 'wasm' in Node, 'webgl' in a browser. */
export function defaultBackend(): BackendName {
  return tf.env().getBool('IS_NODE') ? 'wasm' : 'webgl';
}

// Variable specifiers keep optional backends out of type checking and of bundles that do not
// install them.
async function importOptional(spec: string): Promise<unknown> {
  return import(/* @vite-ignore */ spec);
}

async function loadBackend(name: BackendName, opts: InitBackendOptions): Promise<void> {
  switch (name) {
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (opts.wasmPaths !== undefined && tf.findBackend('wasm') === null) wasm.setWasmPaths(opts.wasmPaths);
      return;
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return;
    case 'webgl':
      await import('@tensorflow/tfjs-backend-webgl');
      return;
    case 'webgpu':
      try {
        await importOptional('@tensorflow/tfjs-backend-webgpu');
      } catch (e) {
        throw new BackendError(
          `backend 'webgpu' needs the package @tensorflow/tfjs-backend-webgpu, which could not be loaded: ${(e as Error).message}`,
        );
      }
      return;
  }
}

/**
 * Loads, registers and selects a tfjs backend, then waits for `tf.ready()`. For 'wasm' it also
 * registers unet-wasm's gradient kernels (tfjs-wasm 4.22 lacks Conv2DBackpropFilter and has a slow
 * Conv2DBackpropInput). Safe to call repeatedly.
 * @param name backend; default 'wasm' in Node and 'webgl' in a browser.
 * @returns the name of the active backend.
 */
export async function initBackend(
  name: BackendName = defaultBackend(),
  opts: InitBackendOptions = {},
): Promise<string> {
  if (!BACKENDS.includes(name)) {
    throw new BackendError(`unknown backend '${String(name)}'; expected one of ${BACKENDS.join(', ')}`);
  }
  await loadBackend(name, opts);
  const ok = await tf.setBackend(name);
  if (!ok) throw new BackendError(`tfjs backend '${name}' failed to initialise`);
  await tf.ready();
  if (name === 'wasm' && opts.registerKernels !== false) registerWasmKernels();
  return tf.getBackend();
}
