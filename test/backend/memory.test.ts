// Training on 'wasm' with our kernels must not leak tensors, tfjs-wasm heap or our module's memory.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../../src/backend/index.js';
import { memoryBytes } from '../../src/kernels/index.js';
import { buildUNet } from '../../src/model/index.js';
import { weightedCrossEntropy } from '../../src/train/loss.js';

describe('backend/wasm training memory', () => {
  it('keeps tf.memory().numTensors and both WASM heaps flat across training steps', async () => {
    await initBackend('wasm');
    const model = buildUNet({ inputSize: 16, baseFilters: 4, depth: 2, seed: 3 });
    const x = tf.randomNormal([2, 16, 16, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const labels = tf.randomUniform([2, 16, 16], 0, 2, 'int32', 2) as tf.Tensor3D;
    const weights = tf.ones([2, 16, 16]) as tf.Tensor3D;
    const opt = tf.train.adam(1e-2);
    const losses: number[] = [];
    const step = (): void => {
      const loss = opt.minimize(
        () => weightedCrossEntropy(model.apply(x, { training: true }) as tf.Tensor4D, labels, weights),
        true,
      );
      losses.push(loss!.dataSync()[0]!);
      loss!.dispose();
    };
    // HEAPU8 is emscripten's view of the tfjs-wasm heap (not in tfjs's typings).
    const heap = (): number =>
      ((tf.backend() as BackendWasm).wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.length;
    step();
    step(); // Adam creates its slots on the first step
    const tensors = tf.memory().numTensors;
    const tfHeap = heap();
    const ourHeap = memoryBytes();
    for (let i = 0; i < 8; i++) {
      step();
      expect(tf.memory().numTensors).toBe(tensors);
    }
    expect(heap()).toBe(tfHeap);
    expect(memoryBytes()).toBe(ourHeap);
    // And it trains: the loss on a fixed batch falls.
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    model.dispose();
    opt.dispose();
    tf.dispose([x, labels, weights]);
  });
});
