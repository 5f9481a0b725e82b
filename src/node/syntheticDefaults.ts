// Own module so the headless launcher can share these without importing cli.ts (an import cycle).
/** Defaults of the no-data demo run: a small U-Net that learns the synthetic data in minutes on 2 cores. */
export const SYNTHETIC_DEFAULTS = {
  count: 16,
  size: 160,
  epochs: 8,
  batchSize: 4,
  tile: 96,
  depth: 3,
  filters: 8,
  stepsPerEpoch: 50,
} as const;
