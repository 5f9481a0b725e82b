// Node only: read a TIFF file from disk and decode it.
import { readFile } from 'node:fs/promises';
import { decodeTiff } from '../tiff/decodeTiff.js';
import type { DecodeTiffOptions, TiffImage } from '../tiff/types.js';

/**
 * Reads and decodes a TIFF file (all pages unless `options.pages` says otherwise).
 * @param options same as decodeTiff (maxPixels, pages).
 * @throws TiffError for malformed or unsupported files; the fs error if the file cannot be read.
 */
export async function readTiffFile(path: string, options: DecodeTiffOptions = {}): Promise<TiffImage[]> {
  const bytes = await readFile(path);
  return decodeTiff(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), options);
}
