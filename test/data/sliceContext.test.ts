// sliceContext against hand-worked neighbour tables and a per-pixel oracle on random stacks.
import { describe, expect, it } from 'vitest';
import { contextSlice, DataInputError, sliceContext } from '../../src/data/index.js';
import { Rng } from '../../src/random/index.js';

/** A stack whose every pixel of slice s holds s (so a channel names the slice it came from). */
function labelled(
  count: number,
  w = 3,
  h = 2,
): { data: Float32Array; width: number; height: number; count: number } {
  const data = new Float32Array(count * w * h);
  for (let s = 0; s < count; s++) data.fill(s, s * w * h, (s + 1) * w * h);
  return { data, width: w, height: h, count };
}

/** The slice each channel of slice s holds, read back from pixel 0. */
function table(stack: ReturnType<typeof labelled>, radius: number, usable?: number[]): number[][] {
  const r = sliceContext(stack, { radius, ...(usable ? { usable } : {}) });
  const plane = stack.width * stack.height;
  return Array.from({ length: stack.count }, (_, s) =>
    Array.from({ length: r.channels }, (_, c) => r.data[s * plane * r.channels + c]!),
  );
}

describe('sliceContext', () => {
  it('puts s − r … s + r in the channels, mirrored at the stack ends', () => {
    expect(table(labelled(4), 1)).toEqual([
      [1, 0, 1],
      [0, 1, 2],
      [1, 2, 3],
      [2, 3, 2],
    ]);
    expect(table(labelled(5), 2)).toEqual([
      [2, 1, 0, 1, 2],
      [3, 0, 1, 2, 3],
      [0, 1, 2, 3, 4],
      [1, 2, 3, 4, 1],
      [2, 3, 4, 3, 2],
    ]);
    // A lone slice repeats; radius 0 is the stack itself.
    expect(table(labelled(1), 2)).toEqual([[0, 0, 0, 0, 0]]);
    expect(table(labelled(3), 0)).toEqual([[0], [1], [2]]);
  });

  it('takes neighbours only from the usable slices', () => {
    // Training slices 0–2 of 5: slice 2 must not see 3; slices 3 and 4 (held out) see anything usable.
    expect(table(labelled(5), 1, [0, 1, 2])).toEqual([
      [1, 0, 1],
      [0, 1, 2],
      [1, 2, 1],
      [2, 3, 2], // 4 is not usable; its mirror 2 is
      [4, 4, 4], // neither 3 nor 5 (outside) is usable: the slice itself
    ]);
    expect(contextSlice(2, 1, 5, (z) => z < 3)).toBe(1);
    expect(contextSlice(2, -1, 5, (z) => z < 3)).toBe(1);
    expect(contextSlice(4, 1, 5, () => true)).toBe(3);
  });

  it('copies every pixel of the right slice into the right channel (random stacks)', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 6; trial++) {
      const w = 1 + rng.int(9);
      const h = 1 + rng.int(9);
      const count = 1 + rng.int(6);
      const radius = rng.int(4);
      const data = Float32Array.from({ length: w * h * count }, () => rng.next());
      const usable = Array.from({ length: count }, (_, z) => z).filter(() => rng.next() < 0.7);
      const r = sliceContext({ data, width: w, height: h, count }, { radius, usable });
      const C = 2 * radius + 1;
      expect(r.channels).toBe(C);
      expect(r.data.length).toBe(w * h * count * C);
      const ok = (z: number): boolean => z >= 0 && z < count && usable.includes(z);
      for (let s = 0; s < count; s++)
        for (let c = 0; c < C; c++) {
          const d = c - radius;
          const z = ok(s + d) ? s + d : ok(s - d) ? s - d : s;
          for (let y = 0; y < h; y++)
            for (let x = 0; x < w; x++)
              expect(r.data[((s * h + y) * w + x) * C + c]).toBe(data[(z * h + y) * w + x]);
        }
    }
  });

  it('rejects bad radii, usable lists and stacks', () => {
    const s = labelled(3);
    for (const radius of [-1, 9, 1.5, NaN])
      expect(() => sliceContext(s, { radius }), String(radius)).toThrow(
        /radius must be an integer in \[0, 8\]/,
      );
    for (const z of [-1, 3, 0.5])
      expect(() => sliceContext(s, { usable: [0, z] }), String(z)).toThrow(DataInputError);
    expect(() => sliceContext({ ...s, count: 4 })).toThrow(/stack data has 18 values/);
  });
});
