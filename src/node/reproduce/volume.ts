// Slice stacks as reproduce-isbi reads them: an optional top-left crop (quick runs) and a pick of slices.
import { channelSlice, sliceContext } from '../../data/index.js';
import { prepareImages, TrainConfigError } from '../../train/index.js';
import type { StackInput } from '../../train/index.js';

/** A stack of 8/16-bit or float slices, slice-major. */
export interface Volume {
  data: Float32Array | Uint8Array | Uint16Array;
  width: number;
  height: number;
  count: number;
}

/** Top-left `size`² corner of every slice (quick tests); the stack itself when `size` is undefined. */
export function cropStack(s: StackInput, size: number | undefined): Volume {
  const data = s.data as Volume['data'];
  if (size === undefined || (size >= s.width && size >= s.height)) {
    return { data, width: s.width, height: s.height, count: s.count };
  }
  if (!Number.isInteger(size) || size < 1)
    throw new TrainConfigError(`crop must be a positive integer, got ${size}`);
  const w = Math.min(size, s.width);
  const h = Math.min(size, s.height);
  const Ctor = data.constructor as new (n: number) => Volume['data'];
  const out = new Ctor(w * h * s.count);
  for (let k = 0; k < s.count; k++) {
    for (let y = 0; y < h; y++) {
      const src = (k * s.height + y) * s.width;
      out.set(data.subarray(src, src + w), (k * h + y) * w);
    }
  }
  return { data: out, width: w, height: h, count: s.count };
}

export function pickSlices(v: Volume, slices: readonly number[], what: string): Volume {
  const plane = v.width * v.height;
  const Ctor = v.data.constructor as new (n: number) => Volume['data'];
  const out = new Ctor(plane * slices.length);
  slices.forEach((s, i) => {
    if (!Number.isInteger(s) || s < 0 || s >= v.count) {
      throw new TrainConfigError(`${what} slice ${s} is outside the stack of ${v.count} slices`);
    }
    out.set(v.data.subarray(s * plane, (s + 1) * plane), i * plane);
  });
  return { data: out, width: v.width, height: v.height, count: slices.length };
}

/**
 * What the model sees of the training and validation slices (in that order): each slice alone,
 * or with `radius` z-neighbours per side as channels (normalised per slice first). A training
 * slice's neighbours come from the training slices only; a validation slice's from the whole stack,
 * as at prediction time.
 */
export function modelInputs(
  raw: Volume,
  trainSlices: readonly number[],
  valSlices: readonly number[],
  radius: number,
): { data: Volume['data']; channels: number } {
  const used = [...trainSlices, ...valSlices];
  if (radius === 0) return { data: pickSlices(raw, used, 'training/validation').data, channels: 1 };
  const { width, height, count } = raw;
  const plane = width * height;
  const base = { data: prepareImages(raw.data, width, height, count), width, height, count };
  const forTrain = sliceContext(base, { radius, usable: trainSlices });
  const forEval = sliceContext(base, { radius });
  const C = forTrain.channels;
  const data = new Float32Array(used.length * plane * C);
  used.forEach((z, i) => {
    const src = i < trainSlices.length ? forTrain.data : forEval.data;
    data.set(channelSlice(src, z, plane, C), i * plane * C);
  });
  return { data, channels: C };
}
