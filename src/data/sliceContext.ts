// "2.5-D" input: each slice of a serial-section stack together with its neighbours along z, as the
// channels of one image. Membranes cut at a slant look grey and wide in one section; the sections
// above and below show which way they run.
import { DataInputError } from './errors.js';
import { checkStack } from './stack.js';
import type { NumericStack } from './stack.js';

/** Options of {@link sliceContext}. */
export interface SliceContextOptions {
  /** Neighbours on each side; the output has `2·radius + 1` channels. Default 1. */
  radius?: number;
  /**
   * Slices that may serve as a neighbour (indices into the stack). Default: all. A training run
   * passes its training slices, so no held-out slice enters a training input.
   */
  usable?: readonly number[];
}

/** Slices with their z-neighbours as channels: `data[((s·height + y)·width + x)·channels + c]`. */
export interface ContextStack {
  data: Float32Array;
  width: number;
  height: number;
  count: number;
  channels: number;
}

/**
 * The slice that stands in channel `radius + d` of slice `s`: `s + d` if usable, else its mirror
 * `s − d` if usable, else `s` itself (so a lone slice repeats).
 */
export function contextSlice(s: number, d: number, count: number, usable: (z: number) => boolean): number {
  const ok = (z: number): boolean => z >= 0 && z < count && usable(z);
  if (ok(s + d)) return s + d;
  if (ok(s - d)) return s - d;
  return s;
}

/**
 * Interleaves every slice with its `radius` neighbours on either side (channel `radius + d` holds
 * slice `s + d`, channel `radius` the slice itself). Values are copied as they are, so normalise
 * the slices first.
 * @throws DataInputError on a malformed stack, radius or usable list.
 */
export function sliceContext(stack: NumericStack, options: SliceContextOptions = {}): ContextStack {
  checkStack(stack);
  const radius = options.radius ?? 1;
  if (!Number.isInteger(radius) || radius < 0 || radius > 8) {
    throw new DataInputError(`radius must be an integer in [0, 8], got ${radius}`);
  }
  const { width, height, count, data } = stack;
  let usable: (z: number) => boolean = () => true;
  if (options.usable !== undefined) {
    const mask = new Uint8Array(count);
    for (const z of options.usable) {
      if (!Number.isInteger(z) || z < 0 || z >= count) {
        throw new DataInputError(`usable slice ${z} is outside the stack of ${count} slices`);
      }
      mask[z] = 1;
    }
    usable = (z) => mask[z] === 1;
  }
  const C = 2 * radius + 1;
  const plane = width * height;
  const out = new Float32Array(plane * count * C);
  for (let s = 0; s < count; s++) {
    for (let d = -radius; d <= radius; d++) {
      const src = contextSlice(s, d, count, usable) * plane;
      const c = radius + d;
      const dst = s * plane * C + c;
      for (let i = 0; i < plane; i++) out[dst + i * C] = data[src + i]!;
    }
  }
  return { data: out, width, height, count, channels: C };
}
