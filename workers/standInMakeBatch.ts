// TODO(makeBatch): STAND-IN with the signature of src/train/makeBatch.ts while augmentTile and
// weightMap have not landed (it ignores `augment` and `weights`). batchFn.ts switches to the real
// makeBatch as soon as it builds.
import { Rng, mixSeed } from '../src/random/index.js';

export function makeBatch(
  stack: { data: Float32Array; width: number; height: number; count: number },
  labels: Uint8Array,
  indices: readonly number[],
  tile: { inputSize: number; outputSize: number },
  _augment: unknown,
  _weights: unknown,
  seed: number,
): {
  images: Float32Array;
  labels: Int32Array;
  weights: Float32Array;
  batchSize: number;
  inputSize: number;
  outputSize: number;
  indices: number[];
} {
  const { width, height, count, data } = stack;
  const { inputSize: n, outputSize: m } = tile;
  if (n !== m || n > width || n > height) throw new RangeError(`bad tile ${n}/${m} for ${width}x${height}`);
  const b = indices.length;
  const images = new Float32Array(b * n * n);
  const lab = new Int32Array(b * n * n);
  for (let i = 0; i < b; i++) {
    const s = indices[i]!;
    if (!Number.isInteger(s) || s < 0 || s >= count) throw new RangeError(`slice ${s} out of range`);
    const rng = new Rng(mixSeed(seed, i));
    const y0 = rng.int(height - n + 1);
    const x0 = rng.int(width - n + 1);
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        const src = (s * height + y0 + y) * width + x0 + x;
        images[(i * n + y) * n + x] = data[src]!;
        lab[(i * n + y) * n + x] = labels[src]!;
      }
    }
  }
  return {
    images,
    labels: lab,
    weights: new Float32Array(b * m * m).fill(1),
    batchSize: b,
    inputSize: n,
    outputSize: m,
    indices: [...indices],
  };
}
