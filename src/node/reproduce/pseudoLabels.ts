// Self-training: the unlabeled test volume joins the training slices with labels thresholded from
// an earlier run's probability maps (test-probabilities.tif). The validation slices never do.
import { shiftStack } from '../../data/index.js';
import type { ShiftInterpolation } from '../../data/index.js';
import { TrainConfigError } from '../../train/index.js';
import { readStack } from '../stacks.js';
import type { Volume } from './volume.js';

/** Test slices as extra training slices: images on the labels' grid, labels 255 (cell) / 0 (membrane). */
export interface PseudoLabelSlices {
  images: Float32Array;
  labels: Uint8Array;
  count: number;
}

/**
 * Reads the cell probabilities at `path` (one slice per slice of `test`, values in [0, 1]) and
 * returns the test images, resampled at the label offset as the model sees them, with the labels
 * p > 0.5 → cell (the argmax `predict` uses).
 */
export async function pseudoLabelSlices(
  path: string,
  test: Volume,
  offset: { dx: number; dy: number },
  interpolation: ShiftInterpolation,
): Promise<PseudoLabelSlices> {
  const p = await readStack(path, 'pseudo-label');
  if (p.width !== test.width || p.height !== test.height || p.count !== test.count) {
    throw new TrainConfigError(
      `pseudo-labels ${path} are ${p.count} slices of ${p.width}x${p.height}; the test volume is ${test.count} of ${test.width}x${test.height}`,
    );
  }
  const labels = new Uint8Array(p.data.length);
  for (let i = 0; i < p.data.length; i++) {
    const v = p.data[i]!;
    if (!(v >= 0 && v <= 1)) {
      throw new TrainConfigError(`pseudo-labels ${path} must be probabilities in [0, 1], found ${v}`);
    }
    labels[i] = v > 0.5 ? 255 : 0;
  }
  const moved = offset.dx !== 0 || offset.dy !== 0;
  const images = moved
    ? shiftStack(test, offset.dx, offset.dy, { interpolation }).data
    : Float32Array.from(test.data);
  return { images, labels, count: test.count };
}

/**
 * `a` followed by `b`, as float32: the trainer scales each image slice by its own range, and maps
 * binary labels to classes by value > 0, so the two codings may differ.
 */
export function appendSlices(a: Volume['data'], b: Volume['data']): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
