// Kernels of the weights area (connected components, exact EDT, U-Net weight map); re-exported by
// assembly/index.ts. Every export returns a negative error code on bad input instead of trapping.
export { weightsLabel } from './ccl';
export { weightsEdt } from './edt';
export { weightsMap } from './weightmap';
