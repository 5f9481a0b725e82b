import { describe, expect, it } from 'vitest';
import {
  augmentTile,
  defaultAugmentConfig,
  warp,
  gaussianBlur,
  AugmentError,
} from '../../src/augment/index.js';
import { memoryBytes } from '../../src/kernels/index.js';
import { labels, noise } from './helpers.js';

describe('augment/WASM memory', () => {
  it('stops growing over repeated calls, including calls that fail validation', () => {
    const s = { image: noise(1, 96 * 80), label: labels(1, 96 * 80), width: 96, height: 80 };
    const cfg = { ...defaultAugmentConfig, elastic: { ...defaultAugmentConfig.elastic, p: 1 } };
    const tile = { width: 64, height: 64, labelWidth: 40, labelHeight: 40 };
    for (let i = 0; i < 20; i++) augmentTile(s, cfg, i, tile);
    const before = memoryBytes();
    for (let i = 0; i < 300; i++) {
      augmentTile(s, cfg, i, tile);
      gaussianBlur(s.image, 96, 80, 1 + (i % 20));
      expect(() => warp(s.image, 96, 80, { affine: [1, 0, 0, 0, 1, NaN] })).toThrow(AugmentError);
    }
    expect(memoryBytes()).toBe(before);
  });
});
