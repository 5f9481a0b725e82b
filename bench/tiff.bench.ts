// npm run bench:tiff — decode the three ISBI train-volume stacks with unet-wasm and with utif
// (UTIF.decode + UTIF.decodeImage per page). Median ms per stack, ratio from the same run.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { decodeTiff } from '../src/tiff/index.js';

interface Utif {
  decode(buf: ArrayBuffer): Array<Record<string, unknown>>;
  decodeImage(buf: ArrayBuffer, ifd: Record<string, unknown>): void;
}
const UTIF = createRequire(import.meta.url)('utif') as Utif;

const DIR = new URL('../../shared/data/isbi2012/', import.meta.url);
const FILES = [
  ['none', 'train-volume.tif'],
  ['LZW + predictor 2', 'train-volume-lzw-pred2.tif'],
  ['Deflate + predictor 2', 'train-volume-deflate-pred2.tif'],
] as const;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

function decodeUtif(buf: ArrayBuffer): number {
  const ifds = UTIF.decode(buf);
  let n = 0;
  for (const ifd of ifds) {
    UTIF.decodeImage(buf, ifd);
    n += (ifd.data as Uint8Array).length;
  }
  return n;
}

if (!existsSync(new URL('train-volume.tif', DIR))) {
  console.warn(`ISBI data not found in ${DIR.pathname}; nothing to benchmark`);
  process.exit(0);
}

const rows: string[] = [];
for (const [label, name] of FILES) {
  const bytes = new Uint8Array(readFileSync(new URL(name, DIR)));
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  // Warm up both (JIT, WASM tables) and check they agree on the pixel count.
  const ours = decodeTiff(bytes).reduce((n, p) => n + p.data.length, 0);
  const theirs = decodeUtif(buf);
  if (ours !== theirs) throw new Error(`${name}: unet-wasm decoded ${ours} samples, utif ${theirs}`);
  const tw: number[] = [];
  const tu: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    tw.push(time(() => decodeTiff(bytes)));
    tu.push(time(() => decodeUtif(buf)));
  }
  const w = median(tw);
  const u = median(tu);
  rows.push(
    `| ${label} | ${(bytes.length / 1e6).toFixed(1)} MB | ${w.toFixed(1)} | ${u.toFixed(1)} | ${(u / w).toFixed(2)}x |`,
  );
}
console.log(`\nISBI train-volume (30 x 512 x 512, 8-bit), median of ${ROUNDS} decodes per stack\n`);
console.log('| file | size | unet-wasm ms | utif ms | speed-up |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows) console.log(r);
