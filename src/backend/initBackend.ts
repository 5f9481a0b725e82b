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
// install them. A bundle that wants 'webgpu' imports the package itself (the headless page does);
// loadBackend then finds it registered and skips this import, which a bundler cannot follow.
async function importOptional(spec: string): Promise<unknown> {
  return import(/* @vite-ignore */ spec);
}

// Registered = a factory is known; tf.findBackend would *initialise* it, which for 'wasm' must
// not happen before setWasmPaths.
function isRegistered(name: string): boolean {
  return name in tf.engine().registryFactory;
}

function isInitialised(name: string): boolean {
  return name in tf.engine().registry;
}

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

/**
 * Checks that this environment can give tfjs a WebGPU adapter, so that a missing one is a clear
 * BackendError instead of a failed factory (tfjs's own factory dereferences a null adapter).
 */
async function assertWebGpuAdapter(): Promise<void> {
  const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (!gpu) {
    throw new BackendError(
      'WebGPU unavailable: navigator.gpu does not exist here (Node, a non-secure page, or a browser ' +
        'without WebGPU; Chromium on Linux needs --enable-unsafe-webgpu)',
    );
  }
  let adapter: unknown;
  try {
    adapter = await gpu.requestAdapter();
  } catch (e) {
    throw new BackendError(
      `WebGPU unavailable: navigator.gpu.requestAdapter() failed: ${(e as Error).message}`,
    );
  }
  if (adapter === null || adapter === undefined) {
    throw new BackendError(
      'WebGPU unavailable: navigator.gpu.requestAdapter() returned null (no usable GPU adapter; ' +
        'without a GPU, Chromium needs --enable-unsafe-webgpu and --enable-unsafe-swiftshader)',
    );
  }
}

async function loadBackend(name: BackendName, opts: InitBackendOptions): Promise<void> {
  switch (name) {
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // Paths only matter before the first initialisation, and setWasmPaths throws after a failed one.
      if (opts.wasmPaths !== undefined && !isInitialised('wasm')) wasm.setWasmPaths(opts.wasmPaths);
      return;
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return;
    case 'webgl':
      await import('@tensorflow/tfjs-backend-webgl');
      return;
    case 'webgpu':
      if (!isRegistered('webgpu')) {
        try {
          await importOptional('@tensorflow/tfjs-backend-webgpu');
        } catch (e) {
          throw new BackendError(
            `backend 'webgpu' needs the package @tensorflow/tfjs-backend-webgpu, which could not be loaded: ${(e as Error).message}`,
          );
        }
      }
      if (!isInitialised('webgpu')) await assertWebGpuAdapter();
      // The package registers its factory only where navigator.gpu exists.
      if (!isRegistered('webgpu')) {
        throw new BackendError(
          'WebGPU unavailable: @tensorflow/tfjs-backend-webgpu did not register a backend',
        );
      }
      return;
  }
}

/**
 * Loads, registers and selects a tfjs backend, then waits for `tf.ready()`. For 'wasm' it also
 * registers unet-wasm's gradient kernels (tfjs-wasm 4.22 lacks Conv2DBackpropFilter and has a slow
 * Conv2DBackpropInput). Safe to call repeatedly. For 'webgpu' it first asks for a GPU adapter and
 * throws a BackendError starting "WebGPU unavailable:" when there is none; it never falls back.
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
