// Shared fixtures of the weights tests: seeded random masks, ISBI label slices, the scipy oracle.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../src/random/index.js';
import { decodeTiff } from '../../src/tiff/index.js';

export const ISBI_LABELS = fileURLToPath(
  new URL('../../../shared/data/isbi2012/train-labels.tif', import.meta.url),
);
export const HAVE_ISBI = existsSync(ISBI_LABELS);

/** Random noise mask: each pixel nonzero with probability p. */
export function noiseMask(rng: Rng, w: number, h: number, p: number): Uint8Array {
  const m = new Uint8Array(w * h);
  for (let i = 0; i < m.length; i++) m[i] = rng.chance(p) ? 1 + rng.int(255) : 0;
  return m;
}

/** Random discs and rectangles (cells) on a zero background, some touching the image border. */
export function blobMask(rng: Rng, w: number, h: number, blobs: number, maxRadius: number): Uint8Array {
  const m = new Uint8Array(w * h);
  for (let b = 0; b < blobs; b++) {
    const cx = rng.uniform(-2, w + 2);
    const cy = rng.uniform(-2, h + 2);
    const rx = rng.uniform(1, maxRadius);
    const ry = rng.uniform(1, maxRadius);
    const disc = rng.chance(0.6);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const u = (x - cx) / rx;
        const v = (y - cy) / ry;
        const inside = disc ? u * u + v * v <= 1 : Math.abs(u) <= 1 && Math.abs(v) <= 1;
        if (inside) m[y * w + x] = 255;
      }
    }
  }
  return m;
}

/** ISBI-like label: 255 cells separated by thin zero membranes (random lines through a full mask). */
export function membraneMask(rng: Rng, w: number, h: number, lines: number): Uint8Array {
  const m = new Uint8Array(w * h).fill(255);
  for (let l = 0; l < lines; l++) {
    const a = rng.uniform(0, Math.PI);
    const c = rng.uniform(0, w) * Math.cos(a) + rng.uniform(0, h) * Math.sin(a);
    const thick = rng.uniform(0.5, 2);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++)
        if (Math.abs(x * Math.cos(a) + y * Math.sin(a) - c) < thick) m[y * w + x] = 0;
    }
  }
  return m;
}

let isbi: Uint8Array[] | null = null;

/** Slice `z` of the ISBI 2012 train labels (512×512, 255 = cell, 0 = membrane), via the project's decodeTiff. */
export function isbiLabel(z: number): Uint8Array {
  isbi ??= decodeTiff(readFileSync(ISBI_LABELS)).map((page) => {
    if (!(page.data instanceof Uint8Array) || page.width !== 512 || page.height !== 512) {
      throw new Error('unexpected ISBI label page');
    }
    return page.data;
  });
  const slice = isbi[z];
  if (!slice) throw new Error(`no ISBI label slice ${z}`);
  return slice;
}

/** Whether python3 with numpy and scipy is available. */
export const HAVE_SCIPY =
  spawnSync('python3', ['-c', 'import numpy, scipy.ndimage'], { stdio: 'ignore' }).status === 0;

/** scipy.ndimage.distance_transform_edt(mask != 0) as float64, for several masks in one python3 run. */
export function scipyEdt(masks: { mask: Uint8Array; width: number; height: number }[]): Float64Array[] {
  const dir = mkdtempSync(join(tmpdir(), 'unet-wasm-edt-'));
  try {
    const shapes = masks.map(({ mask, width, height }, i) => {
      writeFileSync(join(dir, `${i}.u8`), mask);
      return `(${height}, ${width})`;
    });
    const code = [
      'import os, sys, numpy as np, scipy.ndimage as nd',
      `for i, s in enumerate([${shapes.join(', ')}]):`,
      '    m = np.fromfile(os.path.join(sys.argv[1], f"{i}.u8"), np.uint8).reshape(s)',
      '    nd.distance_transform_edt(m != 0).astype("<f8").tofile(os.path.join(sys.argv[1], f"{i}.f64"))',
    ].join('\n');
    const r = spawnSync('python3', ['-c', code, dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`scipy failed: ${r.stderr}`);
    return masks.map((_, i) => {
      const b = readFileSync(join(dir, `${i}.f64`));
      return new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8).slice();
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Largest |a - b| (Infinity matches Infinity only). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    const d = Math.abs(x - y);
    if (!(d <= m)) m = d;
  }
  return m;
}

/** Index of the first element where a and b differ (-1 if none); fast where toEqual is slow. */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++)
    if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return i;
  return -1;
}
