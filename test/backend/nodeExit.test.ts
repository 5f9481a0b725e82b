// With tfjs-wasm's threads and our helper thread running, a Node program must still exit by
// itself when it is done (emscripten ref()s the workers of running pthreads).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('node/backend', () => {
  it('a program that trained on threaded wasm exits on its own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'unet-wasm-exit-'));
    try {
      const script = join(dir, 'run.ts');
      writeFileSync(
        script,
        `import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { initNodeBackend, wasmThreadCount } from ${JSON.stringify(join(root, 'src/node/backend.ts'))};
import { nnHelper } from ${JSON.stringify(join(root, 'src/kernels/nnHelper.ts'))};
await initNodeBackend('wasm', { threads: 2, helperThread: true });
const x = tf.randomNormal([2, 16, 16, 4]);
const w = tf.variable(tf.randomNormal([3, 3, 4, 8]));
const g = tf.grad((f) => tf.sum(tf.conv2d(x, f, 1, 'same')))(w);
console.log(JSON.stringify({ threads: await wasmThreadCount(), helper: nnHelper() !== null, sum: g.shape }));
`,
      );
      const r = spawnSync(join(root, 'node_modules/.bin/vite-node'), [script], {
        cwd: root,
        encoding: 'utf8',
        timeout: 50_000,
      });
      expect(r.error).toBeUndefined(); // a timeout means the process did not exit
      expect(r.status, r.stderr.slice(-2000)).toBe(0);
      const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { threads: number; helper: boolean };
      expect(out.threads).toBe(2);
      expect(out.helper).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
