// estimateLabelOffset recovers known sub-pixel offsets on synthetic EM, and finds the one of ISBI 2012's labels.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataInputError, estimateLabelOffset, shiftStack, syntheticEM } from '../../src/data/index.js';
import { decodeTiff, tiffToStack } from '../../src/tiff/index.js';

const DATA = new URL('../../../shared/data/isbi2012/', import.meta.url);
const noData = !existsSync(new URL('train-labels.tif', DATA));
if (noData) console.warn('skipping the ISBI label-offset test: ../shared/data/isbi2012 is absent');

describe('estimateLabelOffset', () => {
  const em = syntheticEM({ count: 3, width: 128, height: 128, seed: 3 });
  const images = { data: em.images, width: 128, height: 128, count: 3 };
  const labels = { data: em.labels, width: 128, height: 128, count: 3 };

  it('finds about (0, 0) on aligned data, its best whole-pixel offset at 0', () => {
    const e = estimateLabelOffset(images, labels);
    expect(Math.abs(e.dx)).toBeLessThan(0.05);
    expect(Math.abs(e.dy)).toBeLessThan(0.05);
    expect(e.correlation).toBe(e.correlationAtZero);
    expect(e.correlation).toBeGreaterThan(0.5);
  });

  it.each([
    [0.5, 0.5],
    [-0.75, 0.25],
    [0, -1],
    [1.5, -0.3],
  ])('recovers labels that lie on the image at (x + %s, y + %s) within 0.1 px', (dx, dy) => {
    // Move the image the other way: label (x, y) then lies on the moved image at (x + dx, y + dy).
    const e = estimateLabelOffset(shiftStack(images, -dx, -dy), labels);
    expect(Math.abs(e.dx - dx)).toBeLessThan(0.1);
    expect(Math.abs(e.dy - dy)).toBeLessThan(0.1);
  });

  it('does not depend on the sign of the classes or on a brightness offset per slice', () => {
    const inverted = { ...images, data: em.images.map((v) => 255 - v) };
    const a = estimateLabelOffset(shiftStack(images, -0.4, 0.3), labels);
    const moved = shiftStack(inverted, -0.4, 0.3);
    for (let i = 128 * 128; i < moved.data.length; i++) moved.data[i] = moved.data[i]! + 90;
    const b = estimateLabelOffset(moved, labels);
    expect(b.dx).toBeCloseTo(a.dx, 6);
    expect(b.dy).toBeCloseTo(a.dy, 6);
  });

  it('rejects mismatched stacks and bad options', () => {
    const one = { ...labels, count: 1, data: em.labels.subarray(0, 128 * 128) };
    expect(() => estimateLabelOffset(images, one)).toThrow(DataInputError);
    expect(() => estimateLabelOffset(images, labels, { range: 0 })).toThrow(/range must be/);
    expect(() => estimateLabelOffset(images, labels, { range: 2, margin: 2 })).toThrow(/margin must be/);
    expect(() => estimateLabelOffset(images, labels, { range: 8, margin: 64 })).toThrow(/too small/);
  });

  it.skipIf(noData)('finds the ISBI 2012 labels about 0.6 px above their images (slices 0-26)', () => {
    const read = (f: string) => tiffToStack(decodeTiff(new Uint8Array(readFileSync(new URL(f, DATA)))));
    const img = read('train-volume.tif');
    const lab = read('train-labels.tif');
    const n = 27 * img.width * img.height;
    const e = estimateLabelOffset(
      { ...img, count: 27, data: img.data.subarray(0, n) },
      { ...lab, count: 27, data: lab.data.subarray(0, n) },
    );
    // A diagnostic of the data, also seen by a trained model (README, "Reproducing ISBI 2012").
    expect(e.dx).toBeGreaterThan(0.05);
    expect(e.dx).toBeLessThan(0.3);
    expect(e.dy).toBeGreaterThan(0.45);
    expect(e.dy).toBeLessThan(0.75);
  });
});
