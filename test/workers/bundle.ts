// Bundles a worker entry (TypeScript) into one JS file that worker_threads can load, the way
// scripts/build-workers.mjs does for dist/.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const dir = mkdtempSync(join(tmpdir(), 'unet-wasm-workers-'));

/** Returns the file URL of the bundled `entry` (a path relative to the repository root). */
export async function bundleWorker(entry: string): Promise<URL> {
  const name = entry.replace(/[^a-z0-9]+/gi, '_') + '.mjs';
  const outfile = join(dir, name);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
  });
  return new URL(`file://${outfile}`);
}
