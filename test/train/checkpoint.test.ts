import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { buildUNet } from '../../src/model/index.js';
import {
  filesToArtifacts,
  fileBytes,
  loadWeightsInto,
  modelToFiles,
  CheckpointError,
} from '../../src/train/index.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('model checkpoints', () => {
  it('round-trips through model.json + weights.bin, by loadLayersModel and by position', async () => {
    const a = buildUNet({ inputSize: null, depth: 1, baseFilters: 2, batchNorm: true, seed: 1 });
    const files = await modelToFiles(a);
    const json = JSON.parse(files['model.json']);
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    const bytes = { 'model.json': fileBytes(files['model.json']), 'weights.bin': files['weights.bin'] };

    const x = tf.randomUniform([1, 8, 8, 1], 0, 1, 'float32', 3);
    const want = await (a.predict(x) as tf.Tensor).data();
    const b = await loadLayersModel(tf.io.fromMemory(filesToArtifacts(bytes)));
    expect(Array.from(await (b.predict(x) as tf.Tensor).data())).toEqual(Array.from(want));
    const c = buildUNet({ inputSize: null, depth: 1, baseFilters: 2, batchNorm: true, seed: 2 });
    loadWeightsInto(c, bytes);
    expect(Array.from(await (c.predict(x) as tf.Tensor).data())).toEqual(Array.from(want));

    const d = buildUNet({ inputSize: null, depth: 1, baseFilters: 3 });
    expect(() => loadWeightsInto(d, bytes)).toThrow(CheckpointError);
    tf.dispose([x]);
    [a, b, c, d].forEach((m) => m.dispose());
  });
});
