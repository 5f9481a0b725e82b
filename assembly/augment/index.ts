// Kernels of the augment area; re-exported by assembly/index.ts.
export const __augmentReady: bool = true;
