import { describe, expect, it } from 'vitest';
import { argmaxLabels } from '../../src/infer/index.js';

describe('argmaxLabels', () => {
  it('picks the most probable class per pixel; ties go to the lower class', () => {
    const p = Float32Array.from([0.2, 0.5, 0.3, 0.4, 0.4, 0.2, 0.1, 0.1, 0.8]);
    expect(Array.from(argmaxLabels(p, 3))).toEqual([1, 0, 2]);
    expect(Array.from(argmaxLabels([0.5, 0.5, 0.49, 0.51], 2))).toEqual([0, 1]);
  });
});
