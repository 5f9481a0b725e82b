// npm run bench:weights — the U-Net weight map (w0 = 10, σ = 5, balanced, 4-connected) of ISBI
// train-labels slices 0, 15 and 29 in WASM against the brute-force per-cell reference in plain TS,
// then distanceTransform and labelComponents alone (WASM against plain TS). Medians and ratios come
// from the same run; rounds alternate WASM and JS so machine load hits both alike.
import { existsSync, readFileSync } from 'node:fs';
import { decodeTiff } from '../src/tiff/index.js';
import { distanceTransform, labelComponents, weightMap } from '../src/weights/index.js';
import { distanceTransformJs } from '../src/weights/reference/distanceTransform.js';
import { labelComponentsJs } from '../src/weights/reference/labelComponents.js';
import { weightMapJs } from '../src/weights/reference/weightMap.js';

const FILE = new URL('../../shared/data/isbi2012/train-labels.tif', import.meta.url);
const SLICES = [0, 15, 29];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
// The brute-force weight map takes seconds per slice: fewer rounds.
const JS_MAP_ROUNDS = Number(process.env.BENCH_JS_MAP_ROUNDS ?? 3);

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

// CPU time of this process for one call: less inflated than wall time on a busy machine.
function cpuTime(fn: () => void): number {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

if (!existsSync(FILE)) {
  console.warn(`ISBI labels not found at ${FILE.pathname}; nothing to benchmark`);
  process.exit(0);
}
const pages = decodeTiff(new Uint8Array(readFileSync(FILE)));
const W = 512;
const H = 512;

const mapRows: string[] = [];
const edtRows: string[] = [];
const cclRows: string[] = [];
for (const z of SLICES) {
  const label = pages[z]!.data as Uint8Array;
  const { count } = labelComponents(label, W, H);

  // Weight map; the warm-up also checks the two agree.
  const err = maxAbsDiff(weightMap(label, W, H), weightMapJs(label, W, H));
  if (!(err <= 1e-4)) throw new Error(`slice ${z}: weight maps differ by ${err}`);
  const tw: number[] = [];
  const tc: number[] = [];
  const tj: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    tw.push(time(() => weightMap(label, W, H)));
    tc.push(cpuTime(() => weightMap(label, W, H)));
    if (r < JS_MAP_ROUNDS) tj.push(time(() => weightMapJs(label, W, H)));
  }
  const mw = median(tw);
  const mj = median(tj);
  mapRows.push(
    `| ${z} | ${count} | ${mw.toFixed(2)} | ${median(tc).toFixed(2)} | ${mj.toFixed(0)} | ${(mj / mw).toFixed(0)}x | ${err.toExponential(1)} |`,
  );

  // EDT alone (distance from cell pixels to the nearest membrane pixel).
  const derr = maxAbsDiff(distanceTransform(label, W, H), distanceTransformJs(label, W, H));
  const ew: number[] = [];
  const ej: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    ew.push(time(() => distanceTransform(label, W, H)));
    ej.push(time(() => distanceTransformJs(label, W, H)));
  }
  const e1 = median(ew);
  const e2 = median(ej);
  edtRows.push(
    `| ${z} | ${e1.toFixed(2)} | ${e2.toFixed(2)} | ${(e2 / e1).toFixed(1)}x | ${derr.toExponential(1)} |`,
  );

  const cw: number[] = [];
  const cj: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    cw.push(time(() => labelComponents(label, W, H)));
    cj.push(time(() => labelComponentsJs(label, W, H)));
  }
  const c1 = median(cw);
  const c2 = median(cj);
  cclRows.push(`| ${z} | ${count} | ${c1.toFixed(2)} | ${c2.toFixed(2)} | ${(c2 / c1).toFixed(1)}x |`);
}

console.log(
  `\nISBI train-labels 512 x 512; WASM median of ${ROUNDS} runs, brute-force JS median of ${JS_MAP_ROUNDS}\n`,
);
console.log('weightMap (w0 = 10, σ = 5, balanced class weights, 4-connected cells)\n');
console.log('| slice | cells | WASM ms | WASM CPU ms | brute-force JS ms | speed-up | max abs diff |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const r of mapRows) console.log(r);
console.log('\ndistanceTransform (exact EDT)\n');
console.log('| slice | WASM ms | plain TS ms | speed-up | max abs diff |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of edtRows) console.log(r);
console.log('\nlabelComponents (4-connected)\n');
console.log('| slice | cells | WASM ms | plain TS (BFS) ms | speed-up |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of cclRows) console.log(r);
