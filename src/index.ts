// The isomorphic public API of unet-wasm (Node and browser). Node-only additions live in src/node.
export * from './random/index.js';
export * from './tiff/index.js';
export * from './augment/index.js';
export * from './weights/index.js';
export * from './model/index.js';
export * from './metrics/index.js';
export * from './train/index.js';
export * from './infer/index.js';
export * from './data/index.js';
export * from './backend/index.js';
