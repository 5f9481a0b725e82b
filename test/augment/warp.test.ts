import { describe, expect, it } from 'vitest';
import {
  warp,
  warpJs,
  warpPair,
  elasticField,
  AugmentError,
  type WarpOptions,
} from '../../src/augment/index.js';
import { Rng } from '../../src/random/index.js';
import { HAVE_ISBI, badFieldCase, isbiSlice, labels, maxAbsDiff, noise, sameBits } from './helpers.js';
import { randomOptions } from './randomWarp.js';
import { warpParams } from '../../src/augment/warp.js';
import { bandRows, elasticWarpPairWasm } from '../../src/kernels/augment.js';
import { fieldNoiseStates } from '../../src/augment/fieldNoise.js';
import { fieldPlan } from '../../src/augment/fieldPlan.js';

if (!HAVE_ISBI) console.warn('warp ISBI test skipped: ../shared/data/isbi2012 not found');

/** Plain f64 bilinear with reflect borders, written independently of the kernel's f32 steps. */
function bilinearF64(
  src: Float32Array,
  w: number,
  h: number,
  m: number[],
  dx?: Float32Array,
  dy?: Float32Array,
) {
  const refl = (i: number, n: number) => {
    const p = 2 * n;
    const k = ((i % p) + p) % p;
    return k >= n ? p - 1 - k : k;
  };
  const at = (x: number, y: number) => src[refl(y, h) * w + refl(x, w)]!;
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const out = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const sx = m[0]! * (x - cx) + m[1]! * (y - cy) + m[2]! + cx + (dx ? dx[i]! : 0);
      const sy = m[3]! * (x - cx) + m[4]! * (y - cy) + m[5]! + cy + (dy ? dy[i]! : 0);
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      out[i] =
        (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) +
        fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
    }
  }
  return out;
}

describe('augment/warp', () => {
  it('equals the f32 reference bit for bit on random inputs, both types, all modes', () => {
    const rng = new Rng(1);
    for (let trial = 0; trial < 12; trial++) {
      const w = 1 + rng.int(70);
      const h = 1 + rng.int(70);
      const img = noise(trial, w * h, -2, 3);
      const lab = labels(trial, w * h, 200);
      const base = randomOptions(rng, w, h, trial % 3 !== 0);
      for (const interpolation of ['linear', 'nearest'] as const) {
        for (const boundary of ['reflect', 'constant'] as const) {
          const o = { ...base, interpolation, boundary };
          expect(warp(img, w, h, o), `f32 ${w}x${h} ${interpolation} ${boundary}`).toEqual(
            warpJs(img, w, h, o),
          );
          expect(warp(lab, w, h, o), `u8 ${w}x${h} ${interpolation} ${boundary}`).toEqual(
            warpJs(lab, w, h, o),
          );
        }
      }
    }
  });

  it('equals the reference at the borders of rotated images (the vector reflect paths)', () => {
    const rng = new Rng(5);
    for (let trial = 0; trial < 16; trial++) {
      const w = 20 + rng.int(60);
      const h = 20 + rng.int(60);
      const th = rng.uniform(-0.6, 0.6);
      const s = rng.uniform(0.8, 1.3);
      const affine = [s * Math.cos(th), -Math.sin(th), rng.uniform(-4, 4), Math.sin(th), s * Math.cos(th), 0];
      const img = noise(100 + trial, w * h, -1, 1);
      const lab = labels(100 + trial, w * h, 3);
      for (const boundary of ['reflect', 'constant'] as const) {
        for (const interpolation of ['linear', 'nearest'] as const) {
          const o = { affine, boundary, constant: 7, interpolation };
          const what = `${w}x${h} ${boundary} ${interpolation}`;
          expect(warp(img, w, h, o), `f32 ${what}`).toEqual(warpJs(img, w, h, o));
          expect(warp(lab, w, h, o), `u8 ${what}`).toEqual(warpJs(lab, w, h, o));
        }
      }
    }
  });

  it('equals the reference when some rows of the field hold NaN, infinities or huge values (the row bound)', () => {
    const { w, h, img, lab, dx, dy } = badFieldCase(3);
    const affine = [0.96, -0.2, 1.5, 0.2, 0.96, -2];
    for (const boundary of ['reflect', 'constant'] as const) {
      for (const interpolation of ['linear', 'nearest'] as const) {
        const o = { affine, dx, dy, boundary, interpolation, constant: 5 };
        expect(warp(img, w, h, o), `f32 ${boundary} ${interpolation}`).toEqual(warpJs(img, w, h, o));
        expect(warp(lab, w, h, o), `u8 ${boundary} ${interpolation}`).toEqual(warpJs(lab, w, h, o));
      }
    }
  });

  it('equals the reference when the output runs in several bands of rows (wide outputs), also in place', () => {
    // bandRows gives 14 rows for an 1100-wide output: 3 bands for 37 rows, the last partial.
    expect(bandRows(1100, 37, 0)).toBe(14);
    expect(bandRows(1100, 37, (1 << 20) - 20)).toBe(37);
    const w = 1000;
    const h = 30;
    const img = noise(61, w * h, -1, 2);
    const lab = labels(61, w * h, 7);
    for (const [outHeight, offsetY] of [
      [37, -3],
      [40, (1 << 20) - 20],
    ] as const) {
      const f = elasticField(1100, outHeight, { alpha: 30, sigma: 3, seed: 8 });
      const base = {
        ...f,
        affine: [0.99, 0.1, 4, -0.1, 0.99, 2],
        outWidth: 1100,
        outHeight,
        offsetX: -50,
        offsetY,
      };
      for (const interpolation of ['linear', 'nearest'] as const) {
        const o = { ...base, interpolation };
        const what = `${interpolation} offsetY ${offsetY}`;
        expect(sameBits(warp(img, w, h, o), warpJs(img, w, h, o)), what).toBe('same');
        expect(sameBits(warp(lab, w, h, o), warpJs(lab, w, h, o)), what).toBe('same');
      }
      const pair = warpPair(img, lab, w, h, base);
      expect(sameBits(pair.image, warpJs(img, w, h, { ...base, interpolation: 'linear' }))).toBe('same');
      expect(sameBits(pair.label, warpJs(lab, w, h, { ...base, interpolation: 'nearest' }))).toBe('same');
    }
    // In place with several bands: the field is read band by band, the source whole first.
    const sq = 300;
    const a = noise(62, sq * sq, 0, 1);
    const f = elasticField(sq, sq, { alpha: 50, sigma: 5, seed: 9 });
    const o = { ...f, affine: [0.9, 0.3, 2, -0.3, 0.9, -1] };
    const want = warpJs(a, sq, sq, o);
    expect(sameBits(warp(a, sq, sq, { ...o, out: a }), want)).toBe('same');
    // The field itself as the output: later bands must still read the field as it was.
    const dx = f.dx.slice();
    expect(sameBits(warp(dx, sq, sq, { ...o, dx, out: dx }), warpJs(f.dx, sq, sq, o))).toBe('same');
  });

  it('linear is bilinear to 1e-5 against a plain f64 scalar reference', () => {
    const w = 61;
    const h = 45;
    const img = noise(7, w * h);
    const { dx, dy } = elasticField(w, h, { alpha: 60, sigma: 4, seed: 2 });
    const m = [0.8, -0.5, 3.25, 0.45, 0.9, -2.5];
    const got = warp(img, w, h, { affine: m, dx, dy, interpolation: 'linear' });
    expect(maxAbsDiff(got, bilinearF64(img, w, h, m, dx, dy))).toBeLessThan(1e-5);
    const got2 = warp(img, w, h, { affine: m });
    expect(maxAbsDiff(got2, bilinearF64(img, w, h, m))).toBeLessThan(1e-5);
  });

  it('nearest never invents values (f32 and u8, with a field)', () => {
    const w = 50;
    const h = 40;
    const lab = Uint8Array.from(labels(3, w * h, 3), (v) => [0, 128, 255][v]!);
    const img = Float32Array.from(lab, (v) => v / 7);
    const { dx, dy } = elasticField(w, h, { alpha: 200, sigma: 4, seed: 9 });
    const o: WarpOptions = { dx, dy, affine: [0.7, 0.7, 2, -0.7, 0.7, 1], interpolation: 'nearest' };
    expect(new Set(warp(lab, w, h, o))).toEqual(new Set([0, 128, 255]));
    const vals = new Set(img);
    for (const v of warp(img, w, h, o)) expect(vals.has(v)).toBe(true);
  });

  it('identity gives the input back exactly, and offsets cut exact tiles', () => {
    const w = 33;
    const h = 17;
    const img = noise(4, w * h);
    const lab = labels(4, w * h);
    for (const interpolation of ['linear', 'nearest'] as const) {
      expect(warp(img, w, h, { interpolation })).toEqual(img);
      expect(warp(lab, w, h, { interpolation })).toEqual(lab);
    }
    const tile = warp(img, w, h, { outWidth: 10, outHeight: 5, offsetX: 7, offsetY: 3 });
    for (let y = 0; y < 5; y++)
      for (let x = 0; x < 10; x++) expect(tile[y * 10 + x]).toBe(img[(y + 3) * w + x + 7]);
    // Outside the image: half-sample-symmetric reflection.
    const left = warp(img, w, h, { outWidth: 2, outHeight: 1, offsetX: -2, offsetY: 0 });
    expect(Array.from(left)).toEqual([img[1], img[0]]);
    const c = warp(img, w, h, {
      outWidth: 2,
      outHeight: 1,
      offsetX: -2,
      offsetY: 0,
      boundary: 'constant',
      constant: 5,
    });
    expect(Array.from(c)).toEqual([5, 5]);
  });

  it('a 90 degree rotation equals a plain array rotation; flips mirror the right axes', () => {
    const n = 31;
    const img = noise(5, n * n);
    const lab = labels(5, n * n);
    // out(x, y) = src(sx, sy) with sx = -(y - c) + c = n-1-y, sy = x - c + c = x.
    const rot = [0, -1, 0, 1, 0, 0];
    const wantImg = new Float32Array(n * n);
    const wantLab = new Uint8Array(n * n);
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        wantImg[y * n + x] = img[x * n + (n - 1 - y)]!;
        wantLab[y * n + x] = lab[x * n + (n - 1 - y)]!;
      }
    }
    expect(warp(img, n, n, { affine: rot, interpolation: 'linear' })).toEqual(wantImg);
    expect(warp(lab, n, n, { affine: rot, interpolation: 'nearest' })).toEqual(wantLab);
    const w = 12;
    const h = 7;
    const a = noise(6, w * h);
    const hf = warp(a, w, h, { affine: [-1, 0, 0, 0, 1, 0] });
    const vf = warp(a, w, h, { affine: [1, 0, 0, 0, -1, 0] });
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        expect(hf[y * w + x]).toBe(a[y * w + (w - 1 - x)]);
        expect(vf[y * w + x]).toBe(a[(h - 1 - y) * w + x]);
      }
    }
  });

  it('rejects bad arguments with AugmentError', () => {
    const img = new Float32Array(12);
    const bad: [unknown, number, number, WarpOptions][] = [
      [img, 4, 4, {}],
      [new Int16Array(12), 4, 3, {}],
      [img, 4, 3, { dx: new Float32Array(12) }],
      [img, 4, 3, { dx: new Float32Array(11), dy: new Float32Array(11) }],
      [img, 4, 3, { affine: [1, 0, 0] }],
      [img, 4, 3, { affine: [1, 0, NaN, 0, 1, 0] }],
      [img, 4, 3, { interpolation: 'cubic' as 'linear' }],
      [img, 4, 3, { boundary: 'wrap' as 'reflect' }],
      [img, 4, 3, { outWidth: 0 }],
      [img, 4, 3, { offsetX: 0.5 }],
      [new Uint8Array(12), 4, 3, { boundary: 'constant', constant: 300 }],
    ];
    for (const [src, w, h, o] of bad) expect(() => warp(src as Float32Array, w, h, o)).toThrow(AugmentError);
  });

  it.skipIf(!HAVE_ISBI)('matches the reference on an ISBI slice and its label with an elastic field', () => {
    const { image, label } = isbiSlice(3);
    const { dx, dy } = elasticField(512, 512, { alpha: 200, sigma: 12, seed: 1 });
    const o: WarpOptions = { dx, dy, affine: [0.95, 0.2, 4, -0.2, 0.95, -3] };
    expect(maxAbsDiff(warp(image, 512, 512, o), warpJs(image, 512, 512, o))).toBe(0);
    const lo = { ...o, interpolation: 'nearest' as const };
    const got = warp(label, 512, 512, lo);
    expect(maxAbsDiff(got, warpJs(label, 512, 512, lo))).toBe(0);
    expect(new Set(got)).toEqual(new Set(label));
  });
});

describe('augment/fused elastic field + image/label warp (pipeline path)', () => {
  it('equals elasticField + warp(image) + warp(label) with the field window cut at the label', () => {
    const rng = new Rng(3);
    for (let trial = 0; trial < 6; trial++) {
      const w = 20 + rng.int(60);
      const h = 20 + rng.int(60);
      const img = noise(trial, w * h);
      const lab = labels(trial, w * h, 5);
      const tw = 8 + rng.int(40);
      const th = 8 + rng.int(40);
      const lw = 1 + rng.int(tw);
      const lh = 1 + rng.int(th);
      const lx = rng.int(tw - lw + 1);
      const ly = rng.int(th - lh + 1);
      const offX = rng.int(w) - 5;
      const offY = rng.int(h) - 5;
      const seed = rng.nextU32();
      const affine = [0.9, 0.2, 1.5, -0.25, 1.1, -2] as const;
      const boundary = trial % 2 ? ('constant' as const) : ('reflect' as const);
      const p = warpParams(img, w, h, {
        affine,
        outWidth: tw,
        outHeight: th,
        offsetX: offX,
        offsetY: offY,
        boundary,
      });
      const field =
        trial === 5 ? undefined : { states: fieldNoiseStates(seed), plan: fieldPlan(th, 5), alpha: 20 };
      const pp = { ...p, par: Float32Array.of(...p.par, 0) }; // label constant 0
      const got = elasticWarpPairWasm(img, lab, w, h, field, pp, { x: lx, y: ly, width: lw, height: lh });
      const f = field ? elasticField(tw, th, { alpha: 20, sigma: 5, seed }) : undefined;
      const base = { affine, boundary };
      const wantImg = warp(img, w, h, {
        ...base,
        ...f,
        outWidth: tw,
        outHeight: th,
        offsetX: offX,
        offsetY: offY,
      });
      const cut = (a: Float32Array) => {
        const o = new Float32Array(lw * lh);
        for (let y = 0; y < lh; y++) o.set(a.subarray((y + ly) * tw + lx, (y + ly) * tw + lx + lw), y * lw);
        return o;
      };
      const lf = f ? { dx: cut(f.dx), dy: cut(f.dy) } : {};
      const wantLab = warp(lab, w, h, {
        ...base,
        ...lf,
        interpolation: 'nearest',
        outWidth: lw,
        outHeight: lh,
        offsetX: offX + lx,
        offsetY: offY + ly,
      });
      expect(got.image).toEqual(wantImg);
      expect(got.label).toEqual(wantLab);
    }
  });

  it('writes into `out` when given (also in place), with the same result as a new array', () => {
    const w = 37;
    const h = 23;
    const img = noise(91, w * h, 0, 1);
    const lab = labels(92, w * h);
    const f = elasticField(w, h, { alpha: 3, sigma: 4, seed: 9 });
    const o: WarpOptions = { ...f, affine: [0.9, 0.2, 1.5, -0.2, 0.9, -0.5] };
    for (const [src, interpolation] of [
      [img, 'linear'],
      [lab, 'nearest'],
    ] as const) {
      const want = warp<Float32Array | Uint8Array>(src, w, h, { ...o, interpolation });
      const out = new (src.constructor as Float32ArrayConstructor | Uint8ArrayConstructor)(w * h);
      const got = warp<Float32Array | Uint8Array>(src, w, h, { ...o, interpolation, out });
      expect(got).toBe(out);
      expect(got).toEqual(want);
      const js = new (src.constructor as Float32ArrayConstructor | Uint8ArrayConstructor)(w * h);
      expect(warpJs<Float32Array | Uint8Array>(src, w, h, { ...o, interpolation, out: js })).toBe(js);
      expect(js).toEqual(warpJs<Float32Array | Uint8Array>(src, w, h, { ...o, interpolation }));
      // In place: the source is read before the output is written, in WASM and in the reference.
      const a = src.slice();
      expect(warp<Float32Array | Uint8Array>(a, w, h, { ...o, interpolation, out: a })).toEqual(want);
      const b = src.slice();
      expect(warpJs<Float32Array | Uint8Array>(b, w, h, { ...o, interpolation, out: b })).toEqual(js);
    }
    expect(() => warp(img, w, h, { out: new Uint8Array(w * h) })).toThrow(AugmentError);
    expect(() => warp(img, w, h, { out: new Float32Array(w * h - 1) })).toThrow(/elements, expected/);
    expect(() => warp(lab, w, h, { outWidth: 5, outHeight: 5, out: new Uint8Array(w * h) })).toThrow(
      /expected 25/,
    );
  });
});
