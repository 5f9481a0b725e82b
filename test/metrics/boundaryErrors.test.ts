import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boundaryErrorProfile, labelsToClasses, MetricInputError } from '../../src/metrics/index.js';
import { Rng } from '../../src/random/index.js';
import { decodeTiff, tiffToStack } from '../../src/tiff/index.js';

const LABELS = new URL('../../../shared/data/isbi2012/train-labels.tif', import.meta.url);
const noData = !existsSync(LABELS);
if (noData)
  console.warn('skipping the ISBI boundary-error test: ../shared/data/isbi2012/train-labels.tif is absent');

/** Brute force: each pixel's distance to the nearest pixel of another class, then the band counts. */
function bruteProfile(preds: Uint8Array[], truths: Uint8Array[], w: number, h: number, edges: number[]) {
  const bounds = [0, ...edges, Infinity];
  const pixels = new Array<number>(bounds.length - 1).fill(0);
  const errors = new Array<number>(bounds.length - 1).fill(0);
  truths.forEach((t, s) => {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let best = Infinity;
        for (let v = 0; v < h; v++)
          for (let u = 0; u < w; u++)
            if (t[v * w + u] !== t[y * w + x]) best = Math.min(best, Math.hypot(u - x, v - y));
        const b = bounds.findIndex((lo, k) => best > lo && best <= bounds[k + 1]!);
        pixels[b]!++;
        if (preds[s]![y * w + x] !== t[y * w + x]) errors[b]!++;
      }
    }
  });
  return { pixels, errors };
}

describe('boundaryErrorProfile', () => {
  it('counts pixels and errors per distance band as a brute-force search does (random maps, 2 and 3 classes)', () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 8; trial++) {
      const w = 3 + rng.int(20);
      const h = 2 + rng.int(15);
      const classes = trial % 2 === 0 ? 2 : 3;
      const edges = trial < 4 ? [1.5, 2.5, 3.5, 5.5, 10.5] : [1, 2, 4];
      // Blobs rather than salt and pepper, so that the bands beyond 1 are populated.
      const truths = [0, 1].map(() =>
        Uint8Array.from({ length: w * h }, (_, i) => {
          const x = i % w;
          const y = Math.floor(i / w);
          return (
            Math.floor((Math.sin(x / 3 + trial) + Math.cos(y / 2.5 - trial) + 2) * classes * 0.25) % classes
          );
        }),
      );
      const preds = truths.map((t) => t.map((v) => (rng.uniform(0, 1) < 0.2 ? rng.int(classes) : v)));
      const got = boundaryErrorProfile(preds, truths, w, h, { edges, classes });
      const want = bruteProfile(preds, truths, w, h, edges);
      expect(
        got.bands.map((b) => b.pixels),
        `trial ${trial}`,
      ).toEqual(want.pixels);
      expect(
        got.bands.map((b) => b.errors),
        `trial ${trial}`,
      ).toEqual(want.errors);
      expect(got.pixels).toBe(2 * w * h);
      expect(got.errors).toBe(want.errors.reduce((a, b) => a + b, 0));
      const share = got.bands.reduce((a, b) => a + b.shareOfErrors, 0);
      expect(share).toBeCloseTo(got.errors > 0 ? 1 : 0, 12);
    }
  });

  it('puts both sides of a straight boundary at distance 1, and a one-class slice beyond the last edge', () => {
    // Columns 0-2 class 0, 3-5 class 1: distances 3 2 1 | 1 2 3 in every row.
    const w = 6;
    const h = 2;
    const t = Uint8Array.from({ length: w * h }, (_, i) => (i % w < 3 ? 0 : 1));
    const p = t.slice();
    p[2] = 1; // an error on the boundary
    p[w + 5] = 0; // one at distance 3
    const r = boundaryErrorProfile([p], [t], w, h, { edges: [1, 2] });
    expect(r.bands.map((b) => [b.from, b.to, b.pixels, b.errors])).toEqual([
      [0, 1, 4, 1],
      [1, 2, 4, 0],
      [2, Infinity, 4, 1],
    ]);
    expect(r.bands[0]!.errorRate).toBe(0.25);
    expect(r.bands[2]!.shareOfErrors).toBe(0.5);
    const one = new Uint8Array(w * h).fill(1);
    expect(boundaryErrorProfile([one], [one], w, h).bands.at(-1)!.pixels).toBe(w * h);
  });

  it('rejects mismatched or bad input with MetricInputError', () => {
    const a = new Uint8Array(6);
    expect(() => boundaryErrorProfile([a], [], 3, 2)).toThrow(MetricInputError);
    expect(() => boundaryErrorProfile([], [], 3, 2)).toThrow(MetricInputError);
    expect(() => boundaryErrorProfile([a], [new Uint8Array(5)], 3, 2)).toThrow(MetricInputError);
    expect(() => boundaryErrorProfile([a], [Uint8Array.of(0, 1, 2, 0, 0, 0)], 3, 2)).toThrow(
      /class in \[0, 2\)/,
    );
    for (const edges of [[0], [2, 1], [1, NaN], [1, Infinity]]) {
      expect(() => boundaryErrorProfile([a], [a], 3, 2, { edges }), String(edges)).toThrow(MetricInputError);
    }
    expect(boundaryErrorProfile([a], [a], 3, 2, { edges: [] }).bands).toHaveLength(1);
    expect(() => boundaryErrorProfile([a], [a], 3, 2, { classes: 1 })).toThrow(MetricInputError);
  });

  it.skipIf(noData)('on ISBI labels: a membrane widened by one pixel errs only at distance 1', () => {
    const stack = tiffToStack(decodeTiff(new Uint8Array(readFileSync(LABELS))));
    const { width: w, height: h } = stack;
    const t = labelsToClasses(stack.data.subarray(0, w * h));
    // Dilate the membrane (class 0) by the 4-neighbourhood: every changed pixel touches the boundary.
    const p = t.slice();
    for (let i = 0; i < w * h; i++) {
      const x = i % w;
      if (
        t[i] === 1 &&
        ((x > 0 && t[i - 1] === 0) || (x < w - 1 && t[i + 1] === 0) || t[i - w] === 0 || t[i + w] === 0)
      )
        p[i] = 0;
    }
    const r = boundaryErrorProfile([p], [t], w, h);
    expect(r.errors).toBeGreaterThan(1000);
    expect(r.bands[0]!.errors).toBe(r.errors);
    expect(r.bands[0]!.shareOfErrors).toBe(1);
  });
});
