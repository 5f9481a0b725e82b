import { describe, expect, it } from 'vitest';
import {
  checkStack,
  DataInputError,
  normalizeImage,
  selectSlices,
  stackSlice,
} from '../../src/data/index.js';

describe('normalizeImage', () => {
  it('scales 8-bit by 1/255 and 16-bit by 1/65535; float passes through', () => {
    expect(Array.from(normalizeImage(Uint8Array.from([0, 51, 255])))).toEqual([0, 0.2, 1].map(Math.fround));
    expect(Array.from(normalizeImage(Uint16Array.from([0, 65535])))).toEqual([0, 1]);
    const f = Float32Array.from([0.25, 2]);
    expect(normalizeImage(f)).toBe(f);
    expect(() => normalizeImage(new Int8Array(2) as unknown as Uint8Array)).toThrow(DataInputError);
  });
});

describe('image stacks', () => {
  const stack = { data: Uint8Array.from({ length: 3 * 2 * 2 }, (_, i) => i), count: 3, width: 2, height: 2 };

  it('stackSlice is a view of one slice', () => {
    const s = stackSlice(stack, 1);
    expect(Array.from(s)).toEqual([4, 5, 6, 7]);
    expect(s.buffer).toBe(stack.data.buffer);
    expect(() => stackSlice(stack, 3)).toThrow(DataInputError);
  });

  it('selectSlices copies the chosen slices in order', () => {
    const sel = selectSlices(stack, [2, 0]);
    expect(sel.count).toBe(2);
    expect(Array.from(sel.data)).toEqual([8, 9, 10, 11, 0, 1, 2, 3]);
    expect(sel.data.buffer).not.toBe(stack.data.buffer);
  });

  it('checkStack rejects a size mismatch', () => {
    expect(() => checkStack({ ...stack, count: 4 })).toThrow(/expected 4x2x2/);
    expect(() => checkStack({ ...stack, width: 0 })).toThrow(DataInputError);
  });
});
