// The zero-copy 'wasm' Identity: clones share data with reference counting, disposing either side
// leaves the other intact, and training gives bit-identical results with and without it.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { initBackend, registerWasmKernels, unregisterWasmKernels } from '../../src/backend/index.js';
import { identityConfig } from '../../src/backend/kernels/identity.js';
import { buildUNet } from '../../src/model/index.js';
import { weightedCrossEntropy } from '../../src/train/loss.js';
import { FusedAdamOptimizer } from '../../src/train/fusedAdam.js';

describe('backend/wasm Identity (no copy)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
    expect(tf.getKernel('Identity', 'wasm')?.kernelFunc).toBe(identityConfig.kernelFunc);
  });

  it('clones share data; either can be disposed first; memory is freed with the last', () => {
    const bytes0 = tf.memory().numBytes;
    const x = tf.tensor([1, 2, 3, 4, 5], [5], 'float32');
    const ids = tf.backend().numDataIds();
    const y = tf.clone(x);
    // No new data: the clone shares x's buffer.
    expect(tf.backend().numDataIds()).toBe(ids);
    const b = tf.tensor([1, 0, 1], [3], 'bool');
    const z = tf.clone(b);
    b.dispose();
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4, 5]);
    const w = tf.clone(y);
    y.dispose();
    expect(Array.from(w.dataSync())).toEqual([1, 2, 3, 4, 5]);
    expect(Array.from(z.dataSync())).toEqual([1, 0, 1]);
    tf.dispose([w, z]);
    expect(tf.memory().numBytes).toBe(bytes0);
    const s = tf.clone(tf.tensor(['a', 'b']));
    expect(s.dataSync()).toEqual(['a', 'b']);
    s.dispose();
  });

  it('gives bit-identical training losses and weights with and without it', async () => {
    const run = (): { losses: number[]; w: Float32Array } => {
      const model = buildUNet({ inputSize: 16, depth: 2, baseFilters: 4, seed: 3 });
      const opt = new FusedAdamOptimizer(1e-2);
      const x = tf.randomNormal([2, 16, 16, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
      const labels = tf.randomUniform([2, 16, 16], 0, 2, 'int32', 2) as tf.Tensor3D;
      const weights = tf.randomUniform([2, 16, 16], 0.5, 2, 'float32', 3) as tf.Tensor3D;
      const losses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const l = opt.minimize(
          () => weightedCrossEntropy(model.apply(x, { training: true }) as tf.Tensor4D, labels, weights),
          true,
        )!;
        losses.push(l.dataSync()[0]!);
        l.dispose();
      }
      const w = model.getWeights()[0]!.dataSync() as Float32Array;
      model.dispose();
      opt.dispose();
      tf.dispose([x, labels, weights]);
      return { losses, w: w.slice() };
    };
    const a = run();
    unregisterWasmKernels(['Identity']);
    let b: { losses: number[]; w: Float32Array };
    try {
      b = run();
    } finally {
      registerWasmKernels();
    }
    expect(b.losses).toEqual(a.losses);
    expect(Array.from(b.w)).toEqual(Array.from(a.w));
    expect(a.losses[2]).not.toBe(a.losses[0]);
  });
});
