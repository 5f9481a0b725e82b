// The nn kernels split across the helper thread (and its fallback) give the oracle's results.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  conv2dBackpropFilter,
  conv2dBackpropInput,
  nnSplitThreshold,
  type Conv2dGeometry,
} from '../../src/kernels/nn.js';
import { nnHelper, setNnHelper, type NnHelper } from '../../src/kernels/nnHelper.js';
import { startNnHelperThread, stopNnHelperThread } from '../../src/node/nnThreads.js';
import { conv2dBackpropFilterRef, conv2dBackpropInputRef } from '../../src/backend/reference/conv2dGrad.js';
import { Rng } from '../../src/random/index.js';

const UNET_FIRST: Conv2dGeometry = {
  batch: 2,
  inH: 10,
  inW: 11,
  inC: 1,
  outH: 10,
  outW: 11,
  outC: 16,
  filterH: 3,
  filterW: 3,
  strideH: 1,
  strideW: 1,
  padTop: 1,
  padLeft: 1,
};

const GEOMS: Conv2dGeometry[] = [
  {
    batch: 2,
    inH: 9,
    inW: 7,
    inC: 8,
    outH: 9,
    outW: 7,
    outC: 16,
    filterH: 3,
    filterW: 3,
    strideH: 1,
    strideW: 1,
    padTop: 1,
    padLeft: 1,
  },
  {
    batch: 3,
    inH: 8,
    inW: 9,
    inC: 5,
    outH: 4,
    outW: 5,
    outC: 3,
    filterH: 3,
    filterW: 3,
    strideH: 2,
    strideW: 2,
    padTop: 1,
    padLeft: 1,
  },
  {
    batch: 4,
    inH: 6,
    inW: 6,
    inC: 16,
    outH: 3,
    outW: 3,
    outC: 32,
    filterH: 2,
    filterW: 2,
    strideH: 2,
    strideW: 2,
    padTop: 0,
    padLeft: 0,
  },
  // Few input channels: dx runs the narrow kernel (the U-Net's first layer; odd outC is padded).
  { ...UNET_FIRST, batch: 2 },
  { ...UNET_FIRST, batch: 3, inC: 3, outC: 6, strideH: 2, strideW: 2, outH: 5, outW: 6 },
];

function randn(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

function relErr(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / Math.max(den, 1e-12);
}

function checkAll(seed: number): void {
  for (const [i, g] of GEOMS.entries()) {
    const rng = new Rng(seed + i);
    const x = randn(rng, g.batch * g.inH * g.inW * g.inC);
    const w = randn(rng, g.filterH * g.filterW * g.inC * g.outC);
    const dy = randn(rng, g.batch * g.outH * g.outW * g.outC);
    expect(relErr(conv2dBackpropFilter(x, dy, g), conv2dBackpropFilterRef(x, dy, g))).toBeLessThanOrEqual(
      1e-5,
    );
    expect(relErr(conv2dBackpropInput(dy, w, g), conv2dBackpropInputRef(dy, w, g))).toBeLessThanOrEqual(1e-5);
  }
}

describe('kernels/nn with a helper thread', () => {
  const threshold = nnSplitThreshold.macs;
  const adaptive = nnSplitThreshold.adaptive;
  beforeAll(() => {
    nnSplitThreshold.macs = 0; // split every call with batch >= 2
    nnSplitThreshold.adaptive = false; // even when the loaded test machine keeps us waiting
  });
  afterAll(() => {
    nnSplitThreshold.macs = threshold;
    nnSplitThreshold.adaptive = adaptive;
    stopNnHelperThread();
    setNnHelper(null);
  });

  it('splits images with a worker_threads helper and matches the oracle', async () => {
    await startNnHelperThread();
    expect(nnHelper()).not.toBeNull();
    checkAll(300);
    checkAll(400); // a second round reuses the staging buffer
  });

  it('counts the split calls the helper ran', async () => {
    await startNnHelperThread();
    const real = nnHelper()!;
    let started = 0;
    setNnHelper({
      staging: (n) => real.staging(n),
      start: (...a) => (started++, real.start(...a)),
      finish: () => real.finish(),
      hasShared: () => false,
      startShared: () => {},
    });
    checkAll(600);
    expect(started).toBe(2 * GEOMS.length);
  });

  it('gives bit-identical gradients with the helper, without it, and when it fails', async () => {
    // The partition depends only on the shape, so who computes the second share (the helper, this
    // thread, or this thread after a failed helper) must not change a single bit.
    const run = (seed: number): Float32Array[] =>
      GEOMS.flatMap((g, i) => {
        const rng = new Rng(seed + i);
        const x = randn(rng, g.batch * g.inH * g.inW * g.inC);
        const w = randn(rng, g.filterH * g.filterW * g.inC * g.outC);
        const dy = randn(rng, g.batch * g.outH * g.outW * g.outC);
        return [conv2dBackpropFilter(x, dy, g), conv2dBackpropInput(dy, w, g)];
      });
    await startNnHelperThread();
    const withHelper = run(700);
    stopNnHelperThread();
    setNnHelper(null);
    const alone = run(700);
    setNnHelper({
      staging: (n) => new Float32Array(n),
      start: () => {},
      finish: () => false,
      hasShared: () => false,
      startShared: () => {},
    });
    const failed = run(700);
    setNnHelper(null);
    for (let i = 0; i < withHelper.length; i++) {
      expect(alone[i]).toEqual(withHelper[i]);
      expect(failed[i]).toEqual(withHelper[i]);
    }
  });

  it('does the helper share itself when the helper fails', () => {
    stopNnHelperThread();
    let started = 0;
    const broken: NnHelper = {
      staging: (n) => new Float32Array(n),
      start: () => {
        started++;
      },
      finish: () => false,
      hasShared: () => false,
      startShared: () => {},
    };
    setNnHelper(broken);
    checkAll(500);
    expect(started).toBeGreaterThan(0);
    setNnHelper(null);
  });
});
