import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/random/index.js';
import { labelComponents, WeightsInputError } from '../../src/weights/index.js';
import { labelComponentsJs } from '../../src/weights/reference/labelComponents.js';
import {
  blobMask,
  firstDifference,
  HAVE_ISBI,
  isbiLabel,
  ISBI_LABELS,
  membraneMask,
  noiseMask,
} from './helpers.js';

if (!HAVE_ISBI) console.warn(`weights tests: ISBI labels not found at ${ISBI_LABELS}; skipping ISBI cases`);

/** Checks the documented numbering: 1..count, in raster order of each component's first pixel. */
function expectRasterNumbering(labels: Int32Array, count: number): void {
  let next = 1;
  for (const l of labels) {
    if (l === 0) continue;
    if (l > next) throw new Error(`label ${l} appears before label ${next}`);
    if (l === next) next++;
  }
  expect(next - 1).toBe(count);
}

describe('weights/labelComponents', () => {
  it('labels a small picture by hand, 4- and 8-connected', () => {
    // prettier-ignore
    const m = new Uint8Array([
      1, 1, 0, 0, 1,
      0, 0, 1, 0, 1,
      1, 0, 0, 1, 0,
      1, 1, 0, 0, 0,
    ]);
    const four = labelComponents(m, 5, 4);
    expect(four.count).toBe(5);
    // prettier-ignore
    expect(Array.from(four.labels)).toEqual([
      1, 1, 0, 0, 2,
      0, 0, 3, 0, 2,
      4, 0, 0, 5, 0,
      4, 4, 0, 0, 0,
    ]);
    const eight = labelComponents(m, 5, 4, { connectivity: 8 });
    expect(eight.count).toBe(2);
    // (3,2) touches both (2,1) and (4,1) diagonally, so the top pieces merge.
    // prettier-ignore
    expect(Array.from(eight.labels)).toEqual([
      1, 1, 0, 0, 1,
      0, 0, 1, 0, 1,
      2, 0, 0, 1, 0,
      2, 2, 0, 0, 0,
    ]);
  });

  it('merges U shapes whose arms meet late (union-find relabelling)', () => {
    // Two arms joined at the bottom, and a spiral-ish shape: first pixels decide the numbering.
    // prettier-ignore
    const m = new Uint8Array([
      0, 1, 0, 1, 0, 1,
      0, 1, 0, 1, 0, 1,
      0, 1, 1, 1, 0, 1,
      1, 0, 0, 0, 0, 1,
      1, 1, 1, 1, 1, 1,
    ]);
    const a = labelComponents(m, 6, 5);
    expect(a.count).toBe(2);
    expect(a.labels[1]).toBe(1);
    expect(a.labels[3]).toBe(1);
    expect(a.labels[5]).toBe(2);
    expect(a.labels[18]).toBe(2);
    const b = labelComponents(m, 6, 5, { connectivity: 8 });
    expect(b.count).toBe(1);
  });

  it('matches the flood-fill oracle on random masks', () => {
    const rng = new Rng(41);
    for (let t = 0; t < 60; t++) {
      const w = 1 + rng.int(90);
      const h = 1 + rng.int(90);
      const kind = t % 3;
      const m =
        kind === 0
          ? noiseMask(rng, w, h, rng.next())
          : kind === 1
            ? blobMask(rng, w, h, 1 + rng.int(12), 2 + rng.uniform(0, 15))
            : membraneMask(rng, w, h, 1 + rng.int(8));
      for (const connectivity of [4, 8] as const) {
        const got = labelComponents(m, w, h, { connectivity });
        const want = labelComponentsJs(m, w, h, { connectivity });
        expect(got.count).toBe(want.count);
        expect(firstDifference(got.labels, want.labels)).toBe(-1);
        expectRasterNumbering(got.labels, got.count);
      }
    }
  });

  it('handles empty, full and one-pixel images', () => {
    expect(labelComponents(new Uint8Array(12), 4, 3)).toEqual({ labels: new Int32Array(12), count: 0 });
    expect(labelComponents(new Uint8Array(12).fill(7), 4, 3)).toEqual({
      labels: new Int32Array(12).fill(1),
      count: 1,
    });
    expect(labelComponents(new Uint8Array([3]), 1, 1).count).toBe(1);
    // A checkerboard: every pixel its own component with 4-connectivity, one with 8.
    const cb = Uint8Array.from({ length: 64 }, (_, i) => ((i % 8) + Math.floor(i / 8)) % 2);
    expect(labelComponents(cb, 8, 8).count).toBe(32);
    expect(labelComponents(cb, 8, 8, { connectivity: 8 }).count).toBe(1);
  });

  it.skipIf(!HAVE_ISBI)('matches the oracle on ISBI train-labels slices', () => {
    for (const z of [3, 22]) {
      const m = isbiLabel(z);
      const got = labelComponents(m, 512, 512);
      const want = labelComponentsJs(m, 512, 512);
      expect(got.count).toBe(want.count);
      expect(got.count).toBeGreaterThan(50);
      expect(firstDifference(got.labels, want.labels)).toBe(-1);
    }
  });

  it('rejects bad input with WeightsInputError', () => {
    const m = new Uint8Array(12);
    expect(() => labelComponents(m, 4, 4)).toThrow(WeightsInputError);
    expect(() => labelComponents(m, 0, 12)).toThrow(WeightsInputError);
    expect(() => labelComponents(m, 4.5, 3)).toThrow(WeightsInputError);
    expect(() => labelComponents(m, 20000, 1)).toThrow(WeightsInputError);
    expect(() => labelComponents(m, 16384, 16384)).toThrow(/exceeds the limit/);
    expect(() => labelComponents(Array.from(m) as unknown as Uint8Array, 4, 3)).toThrow(WeightsInputError);
    expect(() => labelComponents(m, 4, 3, { connectivity: 6 as 4 })).toThrow(/connectivity/);
    expect(() => labelComponents(m, 4, 3, null as unknown as object)).toThrow(WeightsInputError);
  });
});
