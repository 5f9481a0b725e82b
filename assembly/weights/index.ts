// Kernels of the weights area; re-exported by assembly/index.ts.
export const __weightsReady: bool = true;
