// Kernels of the tiff area; re-exported by assembly/index.ts.
export const __tiffReady: bool = true;
