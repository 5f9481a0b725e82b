// Kernels of the nn area; re-exported by assembly/index.ts.
export const __nnReady: bool = true;
