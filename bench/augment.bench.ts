// Augmentation benchmark on a 512x512 ISBI slice and its label, single thread: WASM kernels
// against their plain-TS references, medians and ratios from the same run.
// Run: npm run bench:augment   (npx vite-node bench/augment.bench.ts)
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

function median(fn: (i: number) => unknown, runs: number): Timing {
  for (let i = 0; i < 2; i++) fn(i);
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn(i);
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return { median: t[Math.floor(runs / 2)]!, min: t[0]! };
}

const ALPHA = 200;
const SIGMA = 12;
const affine = [0.97, 0.17, 3, -0.17, 0.97, -2] as const;
const rows: [string, Timing, Timing | undefined][] = [];

// The headline: one image+label pair, elastic field + two warps.
const fieldW = elasticField(W, H, { alpha: ALPHA, sigma: SIGMA, seed: 1 });
rows.push([
  `elasticField + warp(image, linear) + warp(label, nearest), σ=${SIGMA}`,
  median((i) => {
    const f = elasticField(W, H, { alpha: ALPHA, sigma: SIGMA, seed: i });
    warp(image, W, H, { ...f, affine, interpolation: 'linear' });
    warp(label, W, H, { ...f, affine, interpolation: 'nearest' });
  }, 31),
  median((i) => {
    const f = elasticFieldJs(W, H, { alpha: ALPHA, sigma: SIGMA, seed: i });
    warpJs(image, W, H, { ...f, affine, interpolation: 'linear' });
    warpJs(label, W, H, { ...f, affine, interpolation: 'nearest' });
  }, 9),
]);

// The same work with warpPair: one pass for image and label, the field copied to WASM once. Its JS
// baseline is the headline's (the plain-TS reference has no pair form: two warpJs calls).
const headlineJs = rows[0]![2]!;
rows.push([
  `elasticField + warpPair(image, label)`,
  median((i) => {
    const f = elasticField(W, H, { alpha: ALPHA, sigma: SIGMA, seed: i });
    warpPair(image, label, W, H, { ...f, affine });
  }, 31),
  headlineJs,
]);

// The same calls writing into arrays reused across iterations (the `out` options): a fresh 1 MB
// Float32Array costs ~0.1 ms to allocate but ~0.8 ms to fill on this VM (page faults), so a
// training loop that reuses its buffers sees this row.
const reuse = {
  field: { dx: new Float32Array(W * H), dy: new Float32Array(W * H) },
  image: new Float32Array(W * H),
  label: new Uint8Array(W * H),
};
rows.push([
  `same, into reused arrays (\`out\` options)`,
  median((i) => {
    const f = elasticField(W, H, { alpha: ALPHA, sigma: SIGMA, seed: i, out: reuse.field });
    warp(image, W, H, { ...f, affine, interpolation: 'linear', out: reuse.image });
    warp(label, W, H, { ...f, affine, interpolation: 'nearest', out: reuse.label });
  }, 31),
  median((i) => {
    const f = elasticFieldJs(W, H, { alpha: ALPHA, sigma: SIGMA, seed: i, out: reuse.field });
    warpJs(image, W, H, { ...f, affine, interpolation: 'linear', out: reuse.image });
    warpJs(label, W, H, { ...f, affine, interpolation: 'nearest', out: reuse.label });
  }, 9),
]);

// The same work through the pipeline (field kept in WASM memory, one trip); JS: same composition.
const elasticOnly: AugmentConfig = {
  ...noAugmentConfig(),
  elastic: { enabled: true, p: 1, alpha: [ALPHA, ALPHA], sigma: [SIGMA, SIGMA] },
};
rows.push([
  'augment(sample), elastic only (fused: field never leaves WASM)',
  median((i) => augment({ image, label, width: W, height: H }, elasticOnly, i), 31),
  undefined,
]);

for (const sigma of [1, 10, 20]) {
  rows.push([
    `gaussianBlur σ=${sigma}`,
    median(() => gaussianBlur(image, W, H, sigma), 31),
    median(() => gaussianBlurJs(image, W, H, sigma), 9),
  ]);
}
rows.push([
  `elasticField σ=${SIGMA} (noise + 2 blurs)`,
  median((i) => elasticField(W, H, { alpha: ALPHA, sigma: SIGMA, seed: i }), 31),
  median((i) => elasticFieldJs(W, H, { alpha: ALPHA, sigma: SIGMA, seed: i }), 9),
]);
const wo = { ...fieldW, affine };
rows.push([
  'warp f32 image, linear (affine + field)',
  median(() => warp(image, W, H, { ...wo, interpolation: 'linear' }), 31),
  median(() => warpJs(image, W, H, { ...wo, interpolation: 'linear' }), 9),
]);
rows.push([
  'warp u8 label, nearest (affine + field)',
  median(() => warp(label, W, H, { ...wo, interpolation: 'nearest' }), 31),
  median(() => warpJs(label, W, H, { ...wo, interpolation: 'nearest' }), 9),
]);
rows.push([
  'augmentTile 572² image / 388² label, default config',
  median(
    (i) =>
      augmentTile({ image, label, width: W, height: H }, defaultAugmentConfig, i, {
        width: 572,
        height: 572,
        labelWidth: 388,
        labelHeight: 388,
      }),
    31,
  ),
  undefined,
]);

const fmt = (v: number) => v.toFixed(2);
const cell = (t: Timing | undefined) => (t ? `${fmt(t.median)} (${fmt(t.min)})` : '–');
console.log(`\nAugmentation, ISBI 2012 slice 512×512 + label, single thread (${new Date().toISOString()})`);
console.log('Median ms over the runs, min in brackets (less sensitive to a busy machine).\n');
console.log('| work | WASM ms | JS ms | JS / WASM (medians) |');
console.log('| --- | ---: | ---: | ---: |');
for (const [name, w, j] of rows) {
  const ratio = j ? `${(j.median / w.median).toFixed(1)}×` : '–';
  console.log(`| ${name} | ${cell(w)} | ${cell(j)} | ${ratio} |`);
}
