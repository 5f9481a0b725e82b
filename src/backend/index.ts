// Backend selection and unet-wasm's training kernels for the tfjs 'wasm' backend.
export { initBackend, defaultBackend } from './initBackend.js';
export type { BackendName, InitBackendOptions } from './initBackend.js';
export { registerWasmKernels, unregisterWasmKernels, WASM_KERNEL_NAMES } from './registerWasmKernels.js';
export type { WasmKernelName } from './registerWasmKernels.js';
export { BackendError, KernelSupportError } from './errors.js';
