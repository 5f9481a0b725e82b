import { describe, expect, it } from 'vitest';
import { InferenceInputError, mirrorIndex, mirrorPad } from '../../src/infer/index.js';

describe('mirror padding', () => {
  it('mirrors without repeating the edge, for any offset', () => {
    expect([-3, -2, -1, 0, 1, 4, 5, 6, 7, 8, 9].map((i) => mirrorIndex(i, 5))).toEqual([
      3, 2, 1, 0, 1, 4, 3, 2, 1, 0, 1,
    ]);
    expect(mirrorIndex(-7, 1)).toBe(0);
    expect(mirrorIndex(-17, 2)).toBe(1);
  });

  it('pads a 2-channel image on every side, larger than the image', () => {
    // 3 wide, 2 high, 2 channels: pixel (x, y) has values (10y + x, -(10y + x))
    const img = Float32Array.from([0, -0, 1, -1, 2, -2, 10, -10, 11, -11, 12, -12]);
    const out = mirrorPad(img, 3, 2, 2, { top: 1, bottom: 3, left: 4, right: 1 });
    const pw = 8;
    const ph = 6;
    expect(out.length).toBe(pw * ph * 2);
    for (let y = 0; y < ph; y++) {
      for (let x = 0; x < pw; x++) {
        const v = 10 * mirrorIndex(y - 1, 2) + mirrorIndex(x - 4, 3);
        expect(out[(y * pw + x) * 2]).toBe(v);
        expect(out[(y * pw + x) * 2 + 1]).toBe(-v);
      }
    }
    expect(() => mirrorPad(img, 3, 2, 2, { top: -1, bottom: 0, left: 0, right: 0 })).toThrow(
      InferenceInputError,
    );
    expect(() => mirrorPad(img, 4, 2, 2, { top: 0, bottom: 0, left: 0, right: 0 })).toThrow(
      InferenceInputError,
    );
  });
});
