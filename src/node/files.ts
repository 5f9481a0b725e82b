// Node only: TIFF stacks on disk.
import { writeFile } from 'node:fs/promises';
import { encodeTiff } from '../tiff/encodeTiff.js';
import type { EncodeTiffOptions, TiffPageInput } from '../tiff/types.js';

export { readTiffFile } from './readTiffFile.js';

/**
 * Encodes pages with encodeTiff and writes them to `path` (replacing any existing file).
 * @param options.compression 'none' (default) or 'deflate'.
 */
export async function writeTiffFile(
  path: string,
  pages: readonly TiffPageInput[],
  options: EncodeTiffOptions = {},
): Promise<void> {
  await writeFile(path, encodeTiff(pages, options));
}
