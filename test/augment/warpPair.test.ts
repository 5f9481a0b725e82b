import { describe, expect, it } from 'vitest';
import { warp, warpJs, warpPair, elasticField, AugmentError } from '../../src/augment/index.js';
import { Rng } from '../../src/random/index.js';
import { HAVE_ISBI, badFieldCase, isbiSlice, labels, noise, sameBits } from './helpers.js';
import { randomOptions } from './randomWarp.js';

if (!HAVE_ISBI) console.warn('warpPair ISBI test skipped: ../shared/data/isbi2012 not found');

describe('augment/warpPair', () => {
  it('equals warp(image, linear) and warp(label, nearest), and the plain-TS reference, bit for bit', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 16; trial++) {
      const w = 1 + rng.int(70);
      const h = 1 + rng.int(70);
      const img = noise(trial, w * h, -2, 3);
      const lab = labels(trial, w * h, 200);
      const base = randomOptions(rng, w, h, trial % 3 !== 0);
      for (const boundary of ['reflect', 'constant'] as const) {
        const labelConstant = rng.int(256);
        const got = warpPair(img, lab, w, h, { ...base, boundary, labelConstant });
        const what = `${w}x${h} ${boundary} trial ${trial}`;
        const io = { ...base, boundary };
        const lo = { ...base, boundary, constant: labelConstant, interpolation: 'nearest' as const };
        expect(got.image, what).toEqual(warp(img, w, h, { ...io, interpolation: 'linear' }));
        expect(got.image, what).toEqual(warpJs(img, w, h, { ...io, interpolation: 'linear' }));
        expect(got.label, what).toEqual(warp(lab, w, h, lo));
        expect(got.label, what).toEqual(warpJs(lab, w, h, lo));
      }
    }
  });

  it('equals the reference when some rows of the field hold NaN, infinities or huge values', () => {
    const { w, h, img, lab, dx, dy } = badFieldCase(4);
    const base = { dx, dy, affine: [0.96, 0.2, -1.5, -0.2, 0.96, 2] };
    for (const boundary of ['reflect', 'constant'] as const) {
      const got = warpPair(img, lab, w, h, { ...base, boundary, constant: 0.5, labelConstant: 3 });
      const io = { ...base, boundary, constant: 0.5, interpolation: 'linear' as const };
      const lo = { ...base, boundary, constant: 3, interpolation: 'nearest' as const };
      expect(got.image, boundary).toEqual(warpJs(img, w, h, io));
      expect(got.label, boundary).toEqual(warpJs(lab, w, h, lo));
    }
  });

  it.skipIf(!HAVE_ISBI)('equals the two warps on an ISBI slice with an elastic field and a rotation', () => {
    const { image, label, width: w, height: h } = isbiSlice(3);
    const f = elasticField(w, h, { alpha: 250, sigma: 11, seed: 5 });
    const o = { ...f, affine: [0.9, 0.4, 7, -0.4, 0.9, -5] as const };
    const got = warpPair(image, label, w, h, o);
    expect(sameBits(got.image, warp(image, w, h, { ...o, interpolation: 'linear' }))).toBe('same');
    expect(sameBits(got.label, warp(label, w, h, { ...o, interpolation: 'nearest' }))).toBe('same');
    // Nearest never invents a value: the ISBI labels are 0 and 255 only.
    expect(new Set(got.label)).toEqual(new Set([0, 255]));
  });

  it('rounds the exact position half up for the label, as warp does (not floor(f32(s + 0.5)))', () => {
    const w = 8;
    const h = 8;
    const lab = Uint8Array.from({ length: w * h }, (_, i) => i);
    const img = Float32Array.from(lab);
    // Output (x, y) samples (x + t, y + t). At (0, 0) that is t = 0.5 - 2^-25 exactly, whose nearest
    // pixel is (0, 0); f32(t + 0.5) would round to 1. From x = 1 on, f32(x + t) = x + 0.5: up.
    const t = 0.5 - 2 ** -25;
    expect(Math.fround(t)).toBe(t);
    const field = { dx: new Float32Array(w * h).fill(t), dy: new Float32Array(w * h).fill(t) };
    for (const got of [
      warpPair(img, lab, w, h, field).label,
      warp(lab, w, h, { ...field, interpolation: 'nearest' }),
      warpJs(lab, w, h, { ...field, interpolation: 'nearest' }),
    ]) {
      expect(got[0]).toBe(0);
      expect(got[1]).toBe(2); // (1.5, t) -> (2, 0)
      expect(got[w]).toBe(2 * w); // (t, 1.5) -> (0, 2)
      expect(got[w + 1]).toBe(2 * w + 2);
    }
  });

  it('rounds halves up in the middle of wide rows too (the inside stretch of warpPair and warp), with and without a field', () => {
    const w = 64;
    const h = 40;
    const lab = Uint8Array.from({ length: w * h }, (_, i) => (i * 7) & 255);
    const img = Float32Array.from(lab);
    // Every source position has fractions of exactly 0.5 (a half-pixel shift), so each label pixel
    // is one of the taps where the rounding decides; the middle of each row runs the stretch path.
    const shift = { affine: [1, 0, 0.5, 0, 1, -1.5] as const };
    const field = { dx: new Float32Array(w * h).fill(1), dy: new Float32Array(w * h).fill(-2) };
    // Output (20, 10) samples (20.5, 8.5) -> pixel (21, 9); with the field, (21.5, 6.5) -> (22, 7).
    for (const [opts, src] of [
      [shift, 9 * w + 21],
      [{ ...shift, ...field }, 7 * w + 22],
    ] as const) {
      const want = warpJs(lab, w, h, { ...opts, interpolation: 'nearest' });
      expect(want[10 * w + 20]).toBe(lab[src]);
      expect(warpPair(img, lab, w, h, opts).label).toEqual(want);
      expect(warp(lab, w, h, { ...opts, interpolation: 'nearest' })).toEqual(want);
    }
  });

  it('writes into `out` (also in place), with the same result as new arrays', () => {
    const w = 23;
    const h = 17;
    const img = noise(1, w * h);
    const lab = labels(1, w * h, 3);
    const o = { affine: [0, 1, 0.5, -1, 0, 0.25] as const };
    const want = warpPair(img, lab, w, h, o);
    const out = { image: new Float32Array(w * h), label: new Uint8Array(w * h) };
    expect(warpPair(img, lab, w, h, { ...o, out })).toBe(out);
    expect(out).toEqual(want);
    const inPlace = { image: img.slice(), label: lab.slice() };
    warpPair(inPlace.image, inPlace.label, w, h, { ...o, out: inPlace });
    expect(inPlace).toEqual(want);
  });

  it('rejects bad arguments with AugmentError', () => {
    const img = noise(2, 12);
    const lab = labels(2, 12);
    const bad: [string, () => unknown][] = [
      ['label size', () => warpPair(img, labels(2, 11), 4, 3)],
      ['image size', () => warpPair(noise(2, 13), lab, 4, 3)],
      ['image type', () => warpPair(lab as unknown as Float32Array, lab, 4, 3)],
      ['label type', () => warpPair(img, img as unknown as Uint8Array, 4, 3)],
      ['label constant', () => warpPair(img, lab, 4, 3, { boundary: 'constant', labelConstant: 256 })],
      ['label constant fraction', () => warpPair(img, lab, 4, 3, { labelConstant: 0.5 })],
      ['image constant', () => warpPair(img, lab, 4, 3, { constant: NaN })],
      ['one of dx/dy', () => warpPair(img, lab, 4, 3, { dx: new Float32Array(12) })],
      ['affine', () => warpPair(img, lab, 4, 3, { affine: [1, 0, 0] })],
      ['out shape', () => warpPair(img, lab, 4, 3, { out: { image: new Float32Array(11), label: lab } })],
      ['out missing label', () => warpPair(img, lab, 4, 3, { out: { image: img } as never })],
      [
        'out overlap',
        () => {
          const buf = new ArrayBuffer(64);
          return warpPair(img, lab, 4, 3, {
            out: { image: new Float32Array(buf, 0, 12), label: new Uint8Array(buf, 40, 12) },
          });
        },
      ],
    ];
    for (const [what, fn] of bad) expect(fn, what).toThrow(AugmentError);
    // Nothing was written by the failed calls.
    expect(img).toEqual(noise(2, 12));
    expect(lab).toEqual(labels(2, 12));
  });
});
