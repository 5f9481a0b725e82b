import { describe, expect, it } from 'vitest';
import {
  augment,
  augmentTile,
  randomCrop,
  defaultAugmentConfig,
  noAugmentConfig,
  AugmentError,
  type AugmentConfig,
  type Sample,
} from '../../src/augment/index.js';
import { HAVE_ISBI, isbiSlice, labels, maxAbsDiff, noise } from './helpers.js';

if (!HAVE_ISBI) console.warn('augment ISBI test skipped: ../shared/data/isbi2012 not found');

function sample(w: number, h: number, seed = 1): Sample {
  return { image: noise(seed, w * h), label: labels(seed, w * h, 3), width: w, height: h };
}

/** A config with only the named transforms on, each with probability 1. */
function only(...names: (keyof AugmentConfig)[]): AugmentConfig {
  const c = noAugmentConfig() as unknown as Record<string, { enabled: boolean; p: number }>;
  for (const n of names) c[n] = { ...c[n]!, enabled: true, p: 1 };
  return c as unknown as AugmentConfig;
}

function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return a.length === b.length && maxAbsDiff(a, b) === 0;
}

describe('augment/pipeline', () => {
  it('keeps the size, keeps label values, and is deterministic per seed', () => {
    const s = sample(96, 80);
    const cfg = structuredClone(defaultAugmentConfig) as AugmentConfig;
    for (const k of Object.values(cfg)) if (typeof k === 'object') (k as { p: number }).p = 1;
    cfg.elastic.alpha = [100, 300];
    for (let seed = 0; seed < 6; seed++) {
      const a = augment(s, cfg, seed);
      expect([a.width, a.height, a.image.length, a.label.length]).toEqual([96, 80, 96 * 80, 96 * 80]);
      for (const v of new Set(a.label)) expect([0, 1, 2]).toContain(v);
      const b = augment(s, cfg, seed);
      expect(same(a.image, b.image) && same(a.label, b.label)).toBe(true);
    }
    expect(same(augment(s, cfg, 1).image, augment(s, cfg, 2).image)).toBe(false);
  });

  it('gives the input back exactly with every transform off', () => {
    const s = sample(41, 29);
    const a = augment(s, noAugmentConfig(), 5);
    expect(a.image).toEqual(s.image);
    expect(a.label).toEqual(s.label);
    const t = augmentTile(s, noAugmentConfig(), 5, { width: 41, height: 29 });
    expect(t.image).toEqual(s.image);
  });

  it('flips the right axes and rot90 is an exact rotation, for image and label alike', () => {
    const n = 24;
    const s = sample(n, n, 3);
    const h = augment(s, only('flipHorizontal'), 1);
    const v = augment(s, only('flipVertical'), 1);
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        expect(h.image[y * n + x]).toBe(s.image[y * n + (n - 1 - x)]);
        expect(h.label[y * n + x]).toBe(s.label[y * n + (n - 1 - x)]);
        expect(v.image[y * n + x]).toBe(s.image[(n - 1 - y) * n + x]);
        expect(v.label[y * n + x]).toBe(s.label[(n - 1 - y) * n + x]);
      }
    }
    const rotations = [1, 2, 3].map((k) => {
      let img = s.image;
      for (let i = 0; i < k; i++) {
        const src = img;
        img = new Float32Array(n * n);
        for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) img[y * n + x] = src[x * n + (n - 1 - y)]!;
      }
      return img;
    });
    const seen = new Set<number>();
    for (let seed = 0; seed < 12; seed++) {
      const r = augment(s, only('rot90'), seed);
      const k = rotations.findIndex((want) => same(r.image, want));
      expect(k).toBeGreaterThanOrEqual(0);
      seen.add(k);
    }
    expect(seen.size).toBe(3);
  });

  it('intensity transforms touch the image only', () => {
    const s = sample(32, 32);
    const a = augment(s, only('brightness', 'contrast', 'gamma', 'noise'), 4);
    expect(a.label).toEqual(s.label);
    expect(maxAbsDiff(a.image, s.image)).toBeGreaterThan(0);
  });

  it('augmentTile returns image and centred label tiles cut at the same place', () => {
    const s = sample(64, 48, 8);
    // Label = a function of position, so the tile position can be read back from the label.
    s.label = Uint8Array.from({ length: 64 * 48 }, (_, i) => (i % 64) + 64 * (Math.floor(i / 64) % 3));
    for (let seed = 0; seed < 5; seed++) {
      const t = augmentTile(s, noAugmentConfig(), seed, {
        width: 20,
        height: 16,
        labelWidth: 12,
        labelHeight: 8,
      });
      expect([t.width, t.height, t.image.length, t.label.length]).toEqual([20, 16, 320, 96]);
      // Find where the image tile came from, then check the label window is its centre.
      let found = -1;
      for (let oy = -16; oy < 48 && found < 0; oy++) {
        for (let ox = -20; ox < 64 && found < 0; ox++) {
          if (ox >= 0 && oy >= 0 && ox + 20 <= 64 && oy + 16 <= 48) {
            let ok = true;
            for (let i = 0; i < 320 && ok; i++)
              ok = t.image[i] === s.image[(oy + Math.floor(i / 20)) * 64 + ox + (i % 20)];
            if (ok) {
              found = 1;
              for (let y = 0; y < 8; y++) {
                for (let x = 0; x < 12; x++) {
                  expect(t.label[y * 12 + x]).toBe(s.label[(oy + 4 + y) * 64 + ox + 4 + x]);
                }
              }
            }
          }
        }
      }
      // Label tiles are placed over the whole slice, so the image tile may poke out (mirrored).
      if (found < 0) expect(t.image.every((v) => s.image.includes(v))).toBe(true);
    }
  });

  it('augmentTile with full augmentation: sizes, label values, determinism', () => {
    const s = sample(128, 128, 2);
    const cfg = { ...defaultAugmentConfig, elastic: { ...defaultAugmentConfig.elastic, p: 1 } };
    const a = augmentTile(s, cfg, 9, { width: 92, height: 92, labelWidth: 60, labelHeight: 60 });
    expect([a.image.length, a.label.length]).toEqual([92 * 92, 60 * 60]);
    for (const v of new Set(a.label)) expect([0, 1, 2]).toContain(v);
    const b = augmentTile(s, cfg, 9, { width: 92, height: 92, labelWidth: 60, labelHeight: 60 });
    expect(same(a.image, b.image) && same(a.label, b.label)).toBe(true);
  });

  it('randomCrop cuts the same window of image and label', () => {
    const s = sample(50, 40, 6);
    for (let seed = 0; seed < 5; seed++) {
      const c = randomCrop(s, { width: 16, height: 10 }, seed);
      const first = s.image.indexOf(c.image[0]!);
      const ox = first % 50;
      const oy = Math.floor(first / 50);
      for (let y = 0; y < 10; y++) {
        for (let x = 0; x < 16; x++) {
          expect(c.image[y * 16 + x]).toBe(s.image[(oy + y) * 50 + ox + x]);
          expect(c.label[y * 16 + x]).toBe(s.label[(oy + y) * 50 + ox + x]);
        }
      }
    }
  });

  it('rejects bad samples, configs and tiles with AugmentError', () => {
    const s = sample(8, 8);
    expect(() => augment({ ...s, width: 9 }, defaultAugmentConfig, 1)).toThrow(AugmentError);
    expect(() =>
      augment({ ...s, label: new Float32Array(64) as unknown as Uint8Array }, defaultAugmentConfig, 1),
    ).toThrow(AugmentError);
    expect(() =>
      augment(s, { ...defaultAugmentConfig, rotation: { enabled: true, p: 2, degrees: [0, 1] } }, 1),
    ).toThrow(AugmentError);
    expect(() =>
      augment(
        s,
        { ...defaultAugmentConfig, elastic: { enabled: true, p: 1, alpha: [3, 1], sigma: [1, 2] } },
        1,
      ),
    ).toThrow(AugmentError);
    expect(() => augment(s, defaultAugmentConfig, NaN)).toThrow(AugmentError);
    expect(() => augmentTile(s, defaultAugmentConfig, 1, { width: 4, height: 4, labelWidth: 6 })).toThrow(
      AugmentError,
    );
    expect(() => randomCrop(s, { width: 0, height: 4 }, 1)).toThrow(AugmentError);
  });

  it.skipIf(!HAVE_ISBI)('augments an ISBI slice into 572/388 tiles with labels from the input set', () => {
    const s = isbiSlice(0);
    const values = new Set(s.label);
    for (let seed = 0; seed < 3; seed++) {
      const t = augmentTile(s, defaultAugmentConfig, seed, {
        width: 572,
        height: 572,
        labelWidth: 388,
        labelHeight: 388,
      });
      expect(t.image.length).toBe(572 * 572);
      for (const v of new Set(t.label)) expect(values.has(v)).toBe(true);
    }
  });
});
