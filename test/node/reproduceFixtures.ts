// Shared by the reproduce-isbi tests: the ISBI data folder, temporary folders, a tiny configuration.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTiffFile, writeTiffFile } from '../../src/node/files.js';
import type { ReproduceIsbiOptions } from '../../src/node/reproduce/index.js';
import { maxAbsDiff } from '../model/arrays.js';

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

/** Writes the top-left 64² corners of test-volume.tif's slices 0 and 1 (the tiny runs' test slices) to `path`. */
export async function writeTinyTestSlices(path: string): Promise<void> {
  const pages = await readTiffFile(join(DATA, 'test-volume.tif'), { pages: [0, 1] });
  const raw = pages.map((pg) => {
    const d = new Uint8Array(64 * 64);
    for (let y = 0; y < 64; y++)
      d.set((pg.data as Uint8Array).subarray(y * pg.width, y * pg.width + 64), y * 64);
    return { width: 64, height: 64, data: d };
  });
  await writeTiffFile(path, raw);
}

/** Largest |a − b| over every page of two probability TIFFs (read with readTiffFile); the page counts must agree. */
export async function tiffMaxAbsDiff(pathA: string, pathB: string): Promise<number> {
  const [a, b] = await Promise.all([readTiffFile(pathA), readTiffFile(pathB)]);
  if (a.length !== b.length) throw new Error(`${pathA} has ${a.length} pages, ${pathB} ${b.length}`);
  return Math.max(...a.map((pg, k) => maxAbsDiff(pg.data, b[k]!.data)));
}
