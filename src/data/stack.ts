import { DataInputError } from './errors.js';

/** Pixel data of an image stack. */
export type StackData = Uint8Array | Uint16Array | Float32Array;

/** `count` slices of `height × width` pixels, stored slice after slice, row-major. */
export interface ImageStack<T extends StackData = StackData> {
  data: T;
  count: number;
  width: number;
  height: number;
}

/** Any typed array of pixels laid out as an `ImageStack` (e.g. a decoded TIFF's Int16Array). */
export type NumericStack = Omit<ImageStack, 'data'> & { data: ArrayLike<number> };

/** Checks that `stack.data` holds exactly `count × height × width` values. */
export function checkStack(stack: NumericStack): void {
  const { count, width, height, data } = stack;
  for (const [k, v] of [
    ['count', count],
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new DataInputError(`${k} must be a positive integer, got ${v}`);
  }
  if (data.length !== count * width * height) {
    throw new DataInputError(
      `stack data has ${data.length} values, expected ${count}x${height}x${width} = ${count * width * height}`,
    );
  }
}

/** Slice `index` of a stack, as a view (no copy) into `stack.data`. */
export function stackSlice<T extends StackData>(stack: ImageStack<T>, index: number): T {
  checkStack(stack);
  if (!Number.isInteger(index) || index < 0 || index >= stack.count) {
    throw new DataInputError(`slice ${index} out of range [0, ${stack.count})`);
  }
  const n = stack.width * stack.height;
  return stack.data.subarray(index * n, (index + 1) * n) as T;
}

/** Slice `s` of slice-major data with `plane` pixels of `channels` interleaved values each, as a view. */
export function channelSlice<T extends StackData>(data: T, s: number, plane: number, channels = 1): T {
  const n = plane * channels;
  return data.subarray(s * n, (s + 1) * n) as T;
}

/** A new stack of the chosen slices (copied), e.g. a train/validation split. */
export function selectSlices<T extends StackData>(stack: ImageStack<T>, indices: number[]): ImageStack<T> {
  checkStack(stack);
  const n = stack.width * stack.height;
  const Ctor = stack.data.constructor as new (len: number) => T;
  const data = new Ctor(indices.length * n);
  indices.forEach((idx, k) => data.set(stackSlice(stack, idx), k * n));
  return { data, count: indices.length, width: stack.width, height: stack.height };
}

/**
 * Scales raw pixels to [0, 1] floats: 8-bit / 255, 16-bit / 65535. A Float32Array is taken as
 * already normalised and returned as is (same object, not copied).
 */
export function normalizeImage(data: Uint8Array | Uint16Array | Float32Array): Float32Array {
  if (data instanceof Float32Array) return data;
  let scale: number;
  if (data instanceof Uint8Array) scale = 1 / 255;
  else if (data instanceof Uint16Array) scale = 1 / 65535;
  else throw new DataInputError('normalizeImage takes a Uint8Array, Uint16Array or Float32Array');
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i]! * scale;
  return out;
}
