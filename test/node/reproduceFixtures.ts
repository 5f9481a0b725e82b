// Shared by the reproduce-isbi tests: the ISBI data folder, temporary folders, a tiny configuration.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReproduceIsbiOptions } from '../../src/node/reproduce/index.js';

export const DATA = join(process.cwd(), '..', 'shared', 'data', 'isbi2012');
export const hasData = ['train-volume.tif', 'train-labels.tif', 'test-volume.tif'].every((f) =>
  existsSync(join(DATA, f)),
);

export const sink = { write: (): boolean => true, isTTY: false };

/** Temporary folders: `make()` creates one, `cleanup()` (in afterAll) removes them all. */
export function tmpDirs(prefix: string): { make: () => string; cleanup: () => void } {
  const dirs: string[] = [];
  return {
    make: () => {
      const d = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(d);
      return d;
    },
    cleanup: () => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** A tiny configuration: 64² crops, one training and one validation slice, a 2-level U-Net, one epoch. */
export function tiny(out: string, extra: Partial<ReproduceIsbiOptions> = {}): ReproduceIsbiOptions {
  return {
    data: DATA,
    out,
    crop: 64,
    trainSlices: [0],
    validationSlices: [29],
    testSlices: [0, 1],
    model: { depth: 2, baseFilters: 4 },
    tileSize: 32,
    batchSize: 2,
    stepsPerEpoch: 2,
    epochs: 1,
    threads: 1,
    quiet: true,
    stdout: sink,
    ...extra,
  };
}
