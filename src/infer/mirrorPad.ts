import { InferenceInputError } from './errors.js';

/** Mirror index without repeating the edge (…, 2, 1, | 0, 1, 2, …, n−1, | n−2, …), for any offset. */
export function mirrorIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}

/**
 * Mirror-pads a row-major `height × width × channels` image by the given amounts (any size, even
 * larger than the image: the mirroring repeats), as the U-Net paper does at image borders.
 */
export function mirrorPad(
  image: Float32Array,
  width: number,
  height: number,
  channels: number,
  pad: { top: number; bottom: number; left: number; right: number },
): Float32Array {
  const { top, bottom, left, right } = pad;
  for (const v of [top, bottom, left, right]) {
    if (!Number.isInteger(v) || v < 0)
      throw new InferenceInputError(`padding must be integers >= 0, got ${JSON.stringify(pad)}`);
  }
  if (image.length !== width * height * channels) {
    throw new InferenceInputError(
      `image has ${image.length} values, expected ${width}x${height}x${channels}`,
    );
  }
  const pw = width + left + right;
  const ph = height + top + bottom;
  const out = new Float32Array(pw * ph * channels);
  const colSrc = new Int32Array(pw);
  for (let x = 0; x < pw; x++) colSrc[x] = mirrorIndex(x - left, width);
  for (let y = 0; y < ph; y++) {
    const sy = mirrorIndex(y - top, height);
    const srcRow = sy * width * channels;
    const dstRow = y * pw * channels;
    // The unmirrored middle of the row is one copy; only the borders go pixel by pixel.
    out.set(image.subarray(srcRow, srcRow + width * channels), dstRow + left * channels);
    for (let x = 0; x < pw; x++) {
      if (x >= left && x < left + width) continue;
      const s = srcRow + colSrc[x]! * channels;
      for (let c = 0; c < channels; c++) out[dstRow + x * channels + c] = image[s + c]!;
    }
  }
  return out;
}
