import { describe, expect, it } from 'vitest';
import { memoryBytes } from '../../src/kernels/index.js';
import { Rng } from '../../src/random/index.js';
import {
  weightMap,
  weightMapStack,
  WeightsInputError,
  type WeightMapOptions,
} from '../../src/weights/index.js';
import { weightMapJs } from '../../src/weights/reference/weightMap.js';
import { blobMask, HAVE_ISBI, isbiLabel, maxAbsDiff, membraneMask, noiseMask } from './helpers.js';

const TOL = 1e-4;

function expectMatchesReference(m: Uint8Array, w: number, h: number, opts: WeightMapOptions = {}): void {
  const got = weightMap(m, w, h, opts);
  const want = weightMapJs(m, w, h, opts);
  expect(got.length).toBe(w * h);
  const err = maxAbsDiff(got, want);
  if (!(err <= TOL)) throw new Error(`max |err| ${err} > ${TOL} on ${w}x${h} ${JSON.stringify(opts)}`);
}

describe('weights/weightMap', () => {
  it('computes a tiny example by hand', () => {
    // Cells at x = 0 and x = 4 of a 5x1 strip: at x = 1, d1 = 1 and d2 = 3, and so on.
    const m = new Uint8Array([255, 0, 0, 0, 255]);
    const wBg = 5 / 6;
    const wFg = 5 / 4;
    const border = (d1: number, d2: number): number => 10 * Math.exp(-((d1 + d2) ** 2) / 50);
    const want = [wFg, wBg + border(1, 3), wBg + border(2, 2), wBg + border(1, 3), wFg];
    for (const got of [weightMap(m, 5, 1), weightMapJs(m, 5, 1)]) {
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
    }
    // Explicit class weights and another w0, sigma.
    const got = weightMap(m, 5, 1, { w0: 3, sigma: 2, classWeights: [0.25, 2] });
    expect(got[0]).toBe(2);
    expect(got[2]).toBeCloseTo(0.25 + 3 * Math.exp(-16 / 8), 6);
  });

  it('matches the brute-force reference on random blobs, noise and membranes', () => {
    const rng = new Rng(2024);
    for (let t = 0; t < 36; t++) {
      const w = 1 + rng.int(110);
      const h = 1 + rng.int(110);
      const kind = t % 3;
      const m =
        kind === 0
          ? blobMask(rng, w, h, 1 + rng.int(14), 2 + rng.uniform(0, 20))
          : kind === 1
            ? noiseMask(rng, w, h, rng.uniform(0.05, 0.95))
            : membraneMask(rng, w, h, 1 + rng.int(10));
      const opts: WeightMapOptions = {
        connectivity: t % 2 === 0 ? 4 : 8,
        sigma: [5, 2, 9, 0.7][t % 4],
        w0: [10, 25, 1, 10, 0.01][t % 5],
      };
      if (t % 6 === 5) opts.classWeights = [rng.uniform(0, 3), rng.uniform(0, 3)];
      expectMatchesReference(m, w, h, opts);
    }
  });

  it('matches the reference when cells are far apart and when σ spans the whole image', () => {
    const rng = new Rng(5);
    for (let t = 0; t < 4; t++) {
      const m = blobMask(rng, 160, 140, 3 + t, 6);
      expectMatchesReference(m, 160, 140);
      expectMatchesReference(m, 160, 140, { sigma: 40, w0: 5 });
    }
  });

  it('handles the edge cases: no cell, all cell, one cell, two cells, border cells, 8-connectivity', () => {
    const n = 30 * 20;
    // No foreground: every pixel is background, class weight N / (2N) = 0.5, no border.
    expect(Array.from(weightMap(new Uint8Array(n), 30, 20))).toEqual(new Array(n).fill(0.5));
    expect(Array.from(weightMap(new Uint8Array(n).fill(255), 30, 20))).toEqual(new Array(n).fill(0.5));
    expect(Array.from(weightMap(new Uint8Array(n).fill(1), 30, 20, { classWeights: [2, 3] }))).toEqual(
      new Array(n).fill(3),
    );
    // One cell: border is 0, so the map is just the class weights.
    const one = new Uint8Array(n);
    for (let y = 5; y < 12; y++) for (let x = 3; x < 19; x++) one[y * 30 + x] = 255;
    const nFg = 7 * 16;
    const wm = weightMap(one, 30, 20);
    wm.forEach((v, i) => expect(v).toBeCloseTo(one[i] ? n / (2 * nFg) : n / (2 * (n - nFg)), 5));
    expectMatchesReference(one, 30, 20);
    // Two cells touching the image border on opposite sides, and 1-pixel images.
    const two = new Uint8Array(n);
    for (let y = 0; y < 20; y++) {
      two[y * 30] = 255;
      two[y * 30 + 29] = 255;
      two[y * 30 + 1] = 255;
    }
    expectMatchesReference(two, 30, 20);
    expectMatchesReference(new Uint8Array([0]), 1, 1);
    expectMatchesReference(new Uint8Array([9]), 1, 1);
    // Diagonally touching squares: two cells with 4-connectivity, one with 8.
    const diag = new Uint8Array(n);
    for (let y = 2; y < 8; y++) for (let x = 2; x < 8; x++) diag[y * 30 + x] = 255;
    for (let y = 8; y < 14; y++) for (let x = 8; x < 14; x++) diag[y * 30 + x] = 255;
    const w4 = weightMap(diag, 30, 20);
    const w8 = weightMap(diag, 30, 20, { connectivity: 8 });
    expect(w4[7 * 30 + 8]! - w8[7 * 30 + 8]!).toBeGreaterThan(5); // next to both squares
    expectMatchesReference(diag, 30, 20);
    expectMatchesReference(diag, 30, 20, { connectivity: 8 });
  });

  it('matches the reference where the row/column bound on d2 is loose: rings, holes, diagonals', () => {
    // A ring cell around a background hole (every axis neighbour of a hole pixel is the ring, so its
    // second cell is only found beyond the ring), small cells inside the hole and outside, and thin
    // diagonal strips whose nearest cells lie off the pixel's row and column.
    const w = 70;
    const h = 64;
    const m = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const r = Math.hypot(x - 30, y - 30);
        if (r >= 14 && r < 17) m[y * w + x] = 1;
        if (Math.hypot(x - 27, y - 33) < 2) m[y * w + x] = 1;
        if ((x + y) % 9 < 3 && x > 50 && y > 8) m[y * w + x] = 1;
        if (x - y > 40 && x - y < 43 && y < 20) m[y * w + x] = 1;
      }
    }
    for (const sigma of [2, 5, 12]) {
      expectMatchesReference(m, w, h, { sigma });
      expectMatchesReference(m, w, h, { sigma, connectivity: 8 });
    }
  });

  it('treats the border term as 0 only where it is below 1e-6', () => {
    // Two one-pixel cells 20 apart on a line: the middle pixel has d1 + d2 = 20.
    const m = new Uint8Array(41);
    m[10] = 1;
    m[30] = 1;
    for (const sigma of [3, 4, 5, 8]) {
      const got = weightMap(m, 41, 1, { sigma, classWeights: [0, 0] });
      const want = 10 * Math.exp(-400 / (2 * sigma * sigma));
      if (want >= 1e-6) expect(Math.abs(got[20]! - want)).toBeLessThan(1e-6 + want * 1e-5);
      else expect(got[20]!).toBeLessThan(1e-6);
    }
  });

  it.skipIf(!HAVE_ISBI)('matches the brute-force reference on ISBI train-labels slices', () => {
    for (const z of [7, 24]) {
      const m = isbiLabel(z);
      expectMatchesReference(m, 512, 512);
    }
  });

  it('weightMapStack equals weightMap slice by slice', () => {
    const rng = new Rng(3);
    const w = 37;
    const h = 23;
    const slices = [blobMask(rng, w, h, 6, 7), membraneMask(rng, w, h, 4), new Uint8Array(w * h)];
    const stack = new Uint8Array(3 * w * h);
    slices.forEach((s, i) => stack.set(s, i * w * h));
    const opts = { sigma: 3, connectivity: 8 } as const;
    const maps = weightMapStack(stack, 3, w, h, opts);
    slices.forEach((s, i) =>
      expect(maps.subarray(i * w * h, (i + 1) * w * h)).toEqual(weightMap(s, w, h, opts)),
    );
    expect(weightMapStack(new Uint8Array(0), 0, w, h)).toEqual(new Float32Array(0));
    expect(() => weightMapStack(stack, 2, w, h)).toThrow(WeightsInputError);
    expect(() => weightMapStack(stack, -1, w, h)).toThrow(WeightsInputError);
    expect(() => weightMapStack(stack, 3, w, h, { sigma: -1 })).toThrow(WeightsInputError);
  });

  it('frees its WASM buffers: repeated calls do not grow linear memory', () => {
    const rng = new Rng(11);
    const m = blobMask(rng, 128, 96, 12, 14);
    weightMap(m, 128, 96);
    const before = memoryBytes();
    for (let i = 0; i < 300; i++) {
      weightMap(m, 128, 96, { connectivity: i % 2 ? 4 : 8 });
      expect(() => weightMap(m, 128, 96, { sigma: -1 })).toThrow(WeightsInputError);
    }
    expect(memoryBytes()).toBe(before);
  });

  it('rejects bad input with WeightsInputError', () => {
    const m = new Uint8Array(12);
    const bad: [Uint8Array, number, number, unknown][] = [
      [m, 4, 4, {}],
      [m, 12.5, 1, {}],
      [new Uint8Array(0), 0, 0, {}],
      [m, 4, 3, { sigma: 0 }],
      [m, 4, 3, { sigma: NaN }],
      [m, 4, 3, { sigma: '5' }],
      [m, 4, 3, { w0: -1 }],
      [m, 4, 3, { w0: Infinity }],
      [m, 4, 3, { classWeights: 'uniform' }],
      [m, 4, 3, { classWeights: [1] }],
      [m, 4, 3, { classWeights: [1, -2] }],
      [m, 4, 3, { classWeights: [1, '2'] }],
      [m, 4, 3, { connectivity: 6 }],
      [m, 4, 3, 'fast'],
    ];
    for (const [mask, w, h, o] of bad) {
      expect(() => weightMap(mask, w, h, o as WeightMapOptions)).toThrow(WeightsInputError);
    }
  });
});
