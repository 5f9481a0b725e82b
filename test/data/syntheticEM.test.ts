import { describe, expect, it } from 'vitest';
import { DataInputError, syntheticEM } from '../../src/data/index.js';
import { connectedComponents } from '../../src/metrics/index.js';

describe('syntheticEM', () => {
  const em = syntheticEM({ count: 3, width: 128, height: 96, seed: 4 });
  const n = 128 * 96;

  it('is deterministic in the seed and slices do not depend on count', () => {
    const again = syntheticEM({ count: 3, width: 128, height: 96, seed: 4 });
    expect(again.images).toEqual(em.images);
    expect(again.labels).toEqual(em.labels);
    const other = syntheticEM({ count: 3, width: 128, height: 96, seed: 5 });
    expect(other.images).not.toEqual(em.images);
    const one = syntheticEM({ count: 1, width: 128, height: 96, seed: 4 });
    expect(one.images).toEqual(em.images.subarray(0, n));
    expect(em.images.subarray(0, n)).not.toEqual(em.images.subarray(n, 2 * n));
  });

  it('has ISBI-style labels: 255 cell / 0 membrane, a plausible membrane fraction, many cells', () => {
    expect(em.images.length).toBe(3 * n);
    expect(em.labels.every((v) => v === 0 || v === 255)).toBe(true);
    for (let k = 0; k < 3; k++) {
      const lab = em.labels.subarray(k * n, (k + 1) * n);
      const membrane = lab.reduce((s, v) => s + (v === 0 ? 1 : 0), 0) / n;
      expect(membrane).toBeGreaterThan(0.08);
      expect(membrane).toBeLessThan(0.4);
      const { count } = connectedComponents(lab, 128, 96);
      expect(count).toBeGreaterThan(10);
    }
  });

  it('draws membranes dark exactly where the label says membrane', () => {
    let mem = 0;
    let memN = 0;
    let cell = 0;
    let cellN = 0;
    for (let i = 0; i < em.labels.length; i++) {
      if (em.labels[i] === 0) {
        mem += em.images[i]!;
        memN++;
      } else {
        cell += em.images[i]!;
        cellN++;
      }
    }
    expect(cell / cellN - mem / memN).toBeGreaterThan(60);
    // Not a trivial threshold problem: noise, texture and organelles overlap the two classes.
    let darkCells = 0;
    for (let i = 0; i < em.labels.length; i++) if (em.labels[i] === 255 && em.images[i]! < 110) darkCells++;
    expect(darkCells).toBeGreaterThan(0.005 * cellN);
  });

  it('rejects bad options', () => {
    expect(() => syntheticEM({ count: 0 })).toThrow(DataInputError);
    expect(() => syntheticEM({ width: 1.5 })).toThrow(DataInputError);
    expect(() => syntheticEM({ seed: Number.NaN })).toThrow(DataInputError);
    expect(() => syntheticEM({ cellSize: 2 })).toThrow(DataInputError);
    expect(() => syntheticEM({ count: 8192, width: 8192, height: 8192 })).toThrow(/too large/);
  });
});
