// Shared fixtures of the augment tests: seeded random arrays, ISBI slices, the scipy oracle.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../src/random/index.js';
import { decodeTiff } from '../../src/tiff/index.js';
import { elasticField } from '../../src/augment/index.js';

export { maxAbsDiff } from '../model/arrays.js';

const DATA = '../../../shared/data/isbi2012/';
export const ISBI_VOLUME = fileURLToPath(new URL(DATA + 'train-volume.tif', import.meta.url));
export const ISBI_LABELS = fileURLToPath(new URL(DATA + 'train-labels.tif', import.meta.url));
export const HAVE_ISBI = existsSync(ISBI_VOLUME) && existsSync(ISBI_LABELS);

/** Whether python3 with numpy and scipy is available. */
export const HAVE_SCIPY =
  spawnSync('python3', ['-c', 'import numpy, scipy.ndimage'], { stdio: 'ignore' }).status === 0;

/** Uniform noise in [lo, hi). */
export function noise(seed: number, n: number, lo = 0, hi = 1): Float32Array {
  const r = new Rng(seed);
  return Float32Array.from({ length: n }, () => r.uniform(lo, hi));
}

/** Random labels in [0, classes). */
export function labels(seed: number, n: number, classes = 4): Uint8Array {
  const r = new Rng(seed);
  return Uint8Array.from({ length: n }, () => r.int(classes));
}

/**
 * "same" when a and b have the same length and bits (Object.is per element), else where they first
 * differ: a short message instead of toEqual's diff, which takes minutes on arrays of 10^5 values.
 */
export function sameBits(a: ArrayLike<number>, b: ArrayLike<number>): string {
  if (a.length !== b.length) return `lengths ${a.length} and ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) return `first difference at ${i}: ${a[i]} and ${b[i]}`;
  }
  return 'same';
}

/**
 * A 67x40 case for the warps' row bound: noise, labels and an elastic field whose rows 2..37 hold,
 * one per row and column, NaN, +-Infinity, huge and large displacements for dx and for dy.
 */
export function badFieldCase(seed: number): {
  w: number;
  h: number;
  img: Float32Array;
  lab: Uint8Array;
  dx: Float32Array;
  dy: Float32Array;
} {
  const w = 67;
  const h = 40;
  const { dx, dy } = elasticField(w, h, { alpha: 40, sigma: 4, seed });
  [NaN, Infinity, -Infinity, 3e38, -1e30, 70, -70].forEach((v, k) => {
    dx[(2 + 5 * k) * w + 9 * k + 2] = v;
    dy[(5 + 5 * k) * w + 62 - 4 * k] = v;
  });
  return { w, h, img: noise(seed, w * h, -1, 1), lab: labels(seed, w * h, 9), dx, dy };
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

let slices: { image: Float32Array; label: Uint8Array }[] | null = null;

/** Slice z of ISBI 2012 train volume (scaled to [0, 1]) and labels (255 cell, 0 membrane). */
export function isbiSlice(z: number): {
  image: Float32Array;
  label: Uint8Array;
  width: number;
  height: number;
} {
  if (!slices) {
    const vol = decodeTiff(readFileSync(ISBI_VOLUME));
    const lab = decodeTiff(readFileSync(ISBI_LABELS));
    slices = vol.map((p, i) => ({
      image: Float32Array.from(p.data as Uint8Array, (v) => v / 255),
      label: Uint8Array.from(lab[i]!.data as Uint8Array),
    }));
  }
  const s = slices[z];
  if (!s) throw new Error(`no ISBI slice ${z}`);
  return { ...s, width: 512, height: 512 };
}

/**
 * Runs scipy.ndimage.gaussian_filter(x, sigma, mode='reflect', truncate=4.0) in float64 on each
 * sigma and returns the results (float32).
 */
export function scipyBlur(x: Float32Array, width: number, height: number, sigmas: number[]): Float32Array[] {
  const dir = mkdtempSync(join(tmpdir(), 'unet-augment-'));
  try {
    const inp = join(dir, 'x.bin');
    writeFileSync(inp, x);
    const script = [
      'import sys, numpy as np, scipy.ndimage as nd',
      `x = np.fromfile(${JSON.stringify(inp)}, np.float32).reshape(${height}, ${width}).astype(np.float64)`,
      `for i, s in enumerate(${JSON.stringify(sigmas)}):`,
      `    nd.gaussian_filter(x, s, mode='reflect', truncate=4.0).astype(np.float32).tofile(${JSON.stringify(dir)} + f'/y{i}.bin')`,
    ].join('\n');
    const r = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`scipy failed: ${r.stderr}`);
    return sigmas.map((_, i) => {
      const b = readFileSync(join(dir, `y${i}.bin`));
      return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
