// Reading image/label stacks from TIFF files for the Node trainer and the CLI.
import { existsSync, statSync } from 'node:fs';
import { tiffToStack } from '../tiff/index.js';
import type { StackInput } from '../train/index.js';
import { TrainConfigError } from '../train/index.js';
import { readTiffFile } from './readTiffFile.js';

/** Reads a (multi-page) TIFF into a stack; a missing file is a `TrainConfigError` with the path. */
export async function readStack(path: string, what = 'image'): Promise<StackInput> {
  if (!existsSync(path)) throw new TrainConfigError(`${what} file not found: ${path}`);
  if (!statSync(path).isFile()) throw new TrainConfigError(`${what} path is not a file: ${path}`);
  const pages = await readTiffFile(path);
  return tiffToStack(pages) as StackInput;
}
