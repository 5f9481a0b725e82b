// Entry of the headless page bundle (dist/browser/headless.js): points tfjs-wasm at the served
// .wasm files, then publishes the page API as `window.unetHeadless`.
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// Registers 'webgpu' (where navigator.gpu exists): initBackend's own import of it is a variable
// specifier that the bundler cannot follow.
import '@tensorflow/tfjs-backend-webgpu';
import { createHeadlessPageApi } from './headlessPage.js';
import type { HeadlessHost, HeadlessPageApi } from './headlessPage.js';

// Must run before the 'wasm' backend is first initialised. The files are served next to this bundle.
setWasmPaths(new URL('./', import.meta.url).href);

const w = globalThis as unknown as HeadlessHost & { unetHeadless?: HeadlessPageApi };
w.unetHeadless = createHeadlessPageApi(w);
