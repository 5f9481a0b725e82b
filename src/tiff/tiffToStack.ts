import { TiffError } from './TiffError.js';
import type { TiffData, TiffImage } from './types.js';

/** A stack of equally sized single-channel slices in one array: `data[(z * height + y) * width + x]`. */
export interface TiffStack<T extends TiffData = TiffData> {
  data: T;
  count: number;
  width: number;
  height: number;
}

/**
 * Concatenates decoded pages into one volume. Every page must have one sample per pixel and the
 * same width, height and sample type as the first.
 * @throws TiffError for an empty list, multi-channel pages or pages that differ.
 */
export function tiffToStack(pages: readonly TiffImage[]): TiffStack {
  const first = pages[0];
  if (!first) throw new TiffError('tiffToStack needs at least one page');
  const { width, height } = first;
  const ctor = first.data.constructor as new (n: number) => TiffData;
  const plane = width * height;
  pages.forEach((p, i) => {
    if (p.samplesPerPixel !== 1) {
      throw new TiffError(
        `page ${i} has ${p.samplesPerPixel} samples per pixel; a stack needs single-channel pages`,
      );
    }
    if (p.width !== width || p.height !== height) {
      throw new TiffError(`page ${i} is ${p.width}x${p.height}, page 0 is ${width}x${height}`);
    }
    if (p.data.constructor !== ctor || p.bitsPerSample !== first.bitsPerSample) {
      throw new TiffError(
        `page ${i} holds ${p.bitsPerSample}-bit ${p.data.constructor.name} samples, page 0 ` +
          `${first.bitsPerSample}-bit ${first.data.constructor.name}`,
      );
    }
    if (p.data.length !== plane)
      throw new TiffError(`page ${i} has ${p.data.length} samples, expected ${plane}`);
  });
  const data = new ctor(plane * pages.length);
  pages.forEach((p, i) => (data as Uint8Array).set(p.data as Uint8Array, i * plane));
  return { data, count: pages.length, width, height };
}
