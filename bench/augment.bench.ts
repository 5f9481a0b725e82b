// Augmentation benchmark on a 512x512 ISBI slice and its label, single thread: WASM kernels
// against their plain-TS references, medians and ratios from the same run.
// Run: npm run bench:augment   (npx vite-node bench/augment.bench.ts)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  elasticField,
  elasticFieldJs,
  gaussianBlur,
  gaussianBlurJs,
  warp,
  warpJs,
  warpPair,
  augment,
  augmentTile,
  noAugmentConfig,
  defaultAugmentConfig,
  type AugmentConfig,
} from '../src/augment/index.js';
import { decodeTiff } from '../src/tiff/index.js';

const DATA = fileURLToPath(new URL('../../shared/data/isbi2012/', import.meta.url));
if (!existsSync(DATA + 'train-volume.tif')) {
  console.error(`ISBI data not found at ${DATA}; the benchmark needs train-volume.tif and train-labels.tif`);
  process.exit(1);
}
const W = 512;
const H = 512;
const image = Float32Array.from(
  decodeTiff(readFileSync(DATA + 'train-volume.tif'))[0]!.data as Uint8Array,
  (v) => v / 255,
);
const label = Uint8Array.from(decodeTiff(readFileSync(DATA + 'train-labels.tif'))[0]!.data as Uint8Array);

interface Timing {
  median: number;
  min: number;
}

type Fn = (i: number) => unknown;

function summary(t: number[]): Timing {
  t.sort((a, b) => a - b);
  return { median: t[Math.floor(t.length / 2)]!, min: t[0]! };
}

/**
 * Times each function `runs` times, interleaved in rounds (one round: each function's share of its
 * runs in turn), after two warm-up calls each. The VM of 2026-11-26/27 flipped between a fast state and
 * one about 1.6× slower every few seconds; interleaving gives the functions of a row (WASM and its JS
 * baseline, say) the same mix of states, so their ratio does not depend on when each was timed.
 * Each function's share in a round starts with one untimed call: the first WASM call after a JS
 * baseline call (tens of MB of garbage, a cold cache) ran 0.8 ms slower than the ones after it
 * (elasticField + warpPair, 4.55 against 3.78 ms, medians of 40).
 */
function interleaved(fns: [Fn, number][]): Timing[] {
  for (const [fn] of fns) for (let i = 0; i < 2; i++) fn(i);
  const rounds = Math.min(...fns.map(([, runs]) => runs));
  const times = fns.map((): number[] => []);
  for (let r = 0; r < rounds; r++) {
    fns.forEach(([fn, runs], k) => {
      const t = times[k]!;
      const share = Math.floor(((r + 1) * runs) / rounds) - Math.floor((r * runs) / rounds);
      if (share > 0) fn(t.length); // untimed: clears what the previous function left behind
      for (let j = 0; j < share; j++) {
        const t0 = performance.now();
        fn(t.length);
        t.push(performance.now() - t0);
      }
    });
  }
  return times.map(summary);
}

const WASM_RUNS = 31;
const JS_RUNS = 9;
const ALPHA = 200;
const SIGMA = 12;
const affine = [0.97, 0.17, 3, -0.17, 0.97, -2] as const;
const rows: [string, Timing, Timing | undefined][] = [];

/** A row of a WASM function against its JS baseline (or alone), interleaved. */
function row(name: string, wasm: Fn, js?: Fn): void {
  const [w, j] = interleaved(
    js
      ? [
          [wasm, WASM_RUNS],
          [js, JS_RUNS],
        ]
      : [[wasm, WASM_RUNS]],
  );
  rows.push([name, w!, j]);
}

// The headline: one image+label pair, elastic field + two warps; then the same with warpPair (one
// pass for image and label, the field copied to WASM once), and the same into reused arrays (the
// `out` options: filling a fresh 1 MB Float32Array cost 0.1–1.1 ms on the VMs measured, mostly
// page faults, so a training loop that reuses its buffers sees that row). The plain-TS reference
// has no pair form, so the JS of the first two rows is the same code: all four run interleaved.
const reuse = {
  field: { dx: new Float32Array(W * H), dy: new Float32Array(W * H) },
  image: new Float32Array(W * H),
  label: new Uint8Array(W * H),
};
/** The first row: elastic field + two warps through the public API, new arrays each call. */
const twoWarps: Fn = (i) => {
  const f = elasticField(W, H, { alpha: ALPHA, sigma: SIGMA, seed: i });
  warp(image, W, H, { ...f, affine, interpolation: 'linear' });
  warp(label, W, H, { ...f, affine, interpolation: 'nearest' });
};
const withPair: Fn = (i) => {
  const f = elasticField(W, H, { alpha: ALPHA, sigma: SIGMA, seed: i });
  warpPair(image, label, W, H, { ...f, affine });
};
const intoReused: Fn = (i) => {
  const f = elasticField(W, H, { alpha: ALPHA, sigma: SIGMA, seed: i, out: reuse.field });
  warp(image, W, H, { ...f, affine, interpolation: 'linear', out: reuse.image });
  warp(label, W, H, { ...f, affine, interpolation: 'nearest', out: reuse.label });
};
const [head, pair, headJs, reused, reusedJs] = interleaved([
  [twoWarps, WASM_RUNS],
  [withPair, WASM_RUNS],
  [
    (i) => {
      const f = elasticFieldJs(W, H, { alpha: ALPHA, sigma: SIGMA, seed: i });
      warpJs(image, W, H, { ...f, affine, interpolation: 'linear' });
      warpJs(label, W, H, { ...f, affine, interpolation: 'nearest' });
    },
    JS_RUNS,
  ],
  [intoReused, WASM_RUNS],
  [
    (i) => {
      const f = elasticFieldJs(W, H, { alpha: ALPHA, sigma: SIGMA, seed: i, out: reuse.field });
      warpJs(image, W, H, { ...f, affine, interpolation: 'linear', out: reuse.image });
      warpJs(label, W, H, { ...f, affine, interpolation: 'nearest', out: reuse.label });
    },
    JS_RUNS,
  ],
]);
rows.push([`elasticField + warp(image, linear) + warp(label, nearest), σ=${SIGMA}`, head!, headJs]);
rows.push(['elasticField + warpPair(image, label)', pair!, headJs]);
rows.push(['same as the first row, into reused arrays (`out` options)', reused!, reusedJs]);

// The same work through the pipeline (field kept in WASM memory, one trip); JS: same composition.
const elasticOnly: AugmentConfig = {
  ...noAugmentConfig(),
  elastic: { enabled: true, p: 1, alpha: [ALPHA, ALPHA], sigma: [SIGMA, SIGMA] },
};
const fused: Fn = (i) => augment({ image, label, width: W, height: H }, elasticOnly, i);
row('augment(sample), elastic only (fused: field never leaves WASM)', fused);

for (const sigma of [1, 10, 20]) {
  row(
    `gaussianBlur σ=${sigma}`,
    () => gaussianBlur(image, W, H, sigma),
    () => gaussianBlurJs(image, W, H, sigma),
  );
}
// σ = 12 runs the vertical blur on every 4th row (src/augment/fieldPlan.ts); σ = 3 is below the
// multirate range, so its field is blurred at the full row rate (the blur's cost does not depend on σ).
row(
  `elasticField σ=${SIGMA} (noise + 2 blurs, vertical blur on every 4th row)`,
  (i) => elasticField(W, H, { alpha: ALPHA, sigma: SIGMA, seed: i }),
  (i) => elasticFieldJs(W, H, { alpha: ALPHA, sigma: SIGMA, seed: i }),
);
row(
  'elasticField σ=3 (noise + 2 full-rate blurs)',
  (i) => elasticField(W, H, { alpha: ALPHA, sigma: 3, seed: i }),
  (i) => elasticFieldJs(W, H, { alpha: ALPHA, sigma: 3, seed: i }),
);
const wo = { ...elasticField(W, H, { alpha: ALPHA, sigma: SIGMA, seed: 1 }), affine };
row(
  'warp f32 image, linear (affine + field)',
  () => warp(image, W, H, { ...wo, interpolation: 'linear' }),
  () => warpJs(image, W, H, { ...wo, interpolation: 'linear' }),
);
row(
  'warp u8 label, nearest (affine + field)',
  () => warp(label, W, H, { ...wo, interpolation: 'nearest' }),
  () => warpJs(label, W, H, { ...wo, interpolation: 'nearest' }),
);
row('augmentTile 572² image / 388² label, default config', (i) =>
  augmentTile({ image, label, width: W, height: H }, defaultAugmentConfig, i, {
    width: 572,
    height: 572,
    labelWidth: 388,
    labelHeight: 388,
  }),
);

const fmt = (v: number) => v.toFixed(2);
const cell = (t: Timing | undefined) => (t ? `${fmt(t.median)} (${fmt(t.min)})` : '–');
console.log(`\nAugmentation, ISBI 2012 slice 512×512 + label, single thread (${new Date().toISOString()})`);
console.log(
  `Median ms over ${WASM_RUNS} WASM / ${JS_RUNS} JS runs, interleaved per row, min in brackets (less sensitive to a busy machine).\n`,
);
console.log('| work | WASM ms | JS ms | JS / WASM (medians) |');
console.log('| --- | ---: | ---: | ---: |');
for (const [name, w, j] of rows) {
  const ratio = j ? `${(j.median / w.median).toFixed(1)}×` : '–';
  console.log(`| ${name} | ${cell(w)} | ${cell(j)} | ${ratio} |`);
}

// A VM may flip between a fast state and one about 1.5× slower every few seconds (the one of
// 2026-11-26/27 did), and a row above is timed within a second or two, so its median depends on the
// state it met. Here the ways of warping one image+label pair run in turn for 15 one-second windows;
// each window's median shows the spread, and its correlation with a fresh-memory probe in the same
// windows shows how much of it is the cost of new pages. (No JS baseline runs here, so its garbage
// is not collected during these calls.)
const WINDOWS = 15;
const pairWays: [string, Fn][] = [
  ['elasticField + warp + warp', twoWarps],
  ['elasticField + warpPair', withPair],
  ['the same into reused arrays (`out`)', intoReused],
  ['augment (fused)', fused],
  // Not a way to warp: the machine's cost of 1 MB of fresh memory (page faults), for comparison.
  // The public API's first way returns 3.25 MB of new arrays per pair.
  ['probe: a new 1 MB Float32Array, filled', () => new Float32Array(W * H).fill(1)],
];
const PROBE = pairWays.length - 1;
const windowMedians = pairWays.map((): number[] => []);
for (let win = 0, i = 0; win < WINDOWS; win++) {
  const times = pairWays.map((): number[] => []);
  const end = performance.now() + 1000;
  while (performance.now() < end) {
    pairWays.forEach(([, fn], k) => {
      const t0 = performance.now();
      fn(i++);
      times[k]!.push(performance.now() - t0);
    });
  }
  times.forEach((t, k) => windowMedians[k]!.push(summary(t).median));
}
/** Pearson correlation of two equally long series. */
function correlation(a: number[], b: number[]): number {
  const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  a.forEach((x, i) => {
    ab += (x - ma) * (b[i]! - mb);
    aa += (x - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  });
  return ab / Math.sqrt(aa * bb);
}

console.log(`\nOne image+label pair, median ms per one-second window (${WINDOWS} windows, sorted):\n`);
console.log('| way | window medians | windows ≤ 5 ms | r with the fresh-memory probe |');
console.log('| --- | --- | ---: | ---: |');
pairWays.forEach(([name], k) => {
  const r = k === PROBE ? '–' : correlation(windowMedians[k]!, windowMedians[PROBE]!).toFixed(2);
  const v = [...windowMedians[k]!].sort((a, b) => a - b);
  const within = k === PROBE ? '–' : `${v.filter((x) => x <= 5).length} of ${WINDOWS}`;
  console.log(`| ${name} | ${v.map(fmt).join(' ')} | ${within} | ${r} |`);
});

/**
 * The yardstick, timed in this run when python3 with numpy and scipy is present: the first
 * row's work in scipy (bench/reference/augment_scipy.py). Its time tells how fast this machine is
 * compared with other machines where the same bench ran. Returns undefined without scipy.
 */
function scipyReference(runs: number): Timing | undefined {
  const header = Buffer.alloc(44);
  [W, H, runs].forEach((v, i) => header.writeUInt32LE(v, 4 * i));
  [ALPHA, SIGMA, ...affine].forEach((v, i) => header.writeFloatLE(v, 12 + 4 * i));
  const input = Buffer.concat([header, Buffer.from(image.buffer, image.byteOffset, image.byteLength), label]);
  const script = fileURLToPath(new URL('reference/augment_scipy.py', import.meta.url));
  const r = spawnSync('python3', [script], { input, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) return undefined;
  return JSON.parse(r.stdout) as Timing;
}
const scipy = scipyReference(15);
if (scipy) {
  console.log(
    `\nscipy (gaussian_filter + map_coordinates, python3, same run): ${cell(scipy)} ms for the first row's work; ` +
      `WASM first row ${fmt(head!.median)} ms, ${(scipy.median / head!.median).toFixed(1)}× faster.`,
  );
} else console.log('\nscipy reference skipped: python3 with numpy and scipy not found');
