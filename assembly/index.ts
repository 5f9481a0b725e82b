// Every kernel of the module is exported from here; src/kernels is the only JS code that calls them.
export { alloc, free } from './memory';
export * from './tiff/index';
export * from './augment/index';
export * from './weights/index';
export * from './nn/index';
