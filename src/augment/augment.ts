// The augmentation pipeline: random geometry composed into ONE warp per array (image bilinear,
// label nearest, elastic field included), then intensity transforms on the image only.
import { elasticWarpPairWasm, type WarpKernelParams } from '../kernels/augment.js';
import { Rng } from '../random/index.js';
import { defaultAugmentConfig, type AugmentConfig, type AugmentRange, type AugmentToggle } from './config.js';
import { fieldPlan } from './fieldPlan.js';
import { fieldNoiseStates } from './fieldNoise.js';
import { AugmentError } from './errors.js';
import { adjustIntensity, addGaussianNoise } from './intensity.js';
import { checkSeed, checkSize } from './validate.js';

/** One training sample: a f32 image and its label (class indices), both width x height. */
export interface Sample {
  image: Float32Array;
  label: Uint8Array;
  width: number;
  height: number;
}

/** Output size of `augmentTile`; the label tile (default: same size) is centred in the image tile. */
export interface TileSize {
  width: number;
  height: number;
  labelWidth?: number;
  labelHeight?: number;
}

/** The random draws of one sample (exposed for tests and debugging). */
export interface AugmentDraw {
  /** 2x2 part of the sampling map (output -> source, about the window centre), row-major. */
  m: [number, number, number, number];
  /** Translation of the sampling map in pixels. */
  t: [number, number];
  elastic?: { alpha: number; sigma: number; seed: number };
  brightness: number;
  contrast: number;
  gamma: number;
  noise?: { std: number; seed: number };
}

function checkSample(s: Sample): void {
  if (typeof s !== 'object' || s === null)
    throw new AugmentError('sample must be { image, label, width, height }');
  checkSize(s.width, s.height, 'sample');
  const n = s.width * s.height;
  if (!(s.image instanceof Float32Array) || s.image.length !== n) {
    throw new AugmentError(`sample.image must be a Float32Array of ${s.width}x${s.height}`);
  }
  if (!(s.label instanceof Uint8Array) || s.label.length !== n) {
    throw new AugmentError(`sample.label must be a Uint8Array of ${s.width}x${s.height}`);
  }
}

function checkToggle(t: AugmentToggle | undefined, name: string): void {
  if (typeof t !== 'object' || t === null) throw new AugmentError(`config.${name} is missing`);
  if (typeof t.enabled !== 'boolean') throw new AugmentError(`config.${name}.enabled must be a boolean`);
  if (!(typeof t.p === 'number' && t.p >= 0 && t.p <= 1)) {
    throw new AugmentError(`config.${name}.p must be in [0, 1], got ${t.p}`);
  }
}

function checkRangeOpt(r: AugmentRange | undefined, name: string, lo: number, hi: number): void {
  if (
    !Array.isArray(r) ||
    r.length !== 2 ||
    !r.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi) ||
    r[0] > r[1]
  ) {
    throw new AugmentError(
      `config.${name} must be [min, max] with ${lo} <= min <= max <= ${hi}, got ${String(r)}`,
    );
  }
}

/** Validates a full config; throws AugmentError naming the bad field. */
export function checkAugmentConfig(c: AugmentConfig): void {
  if (typeof c !== 'object' || c === null) throw new AugmentError('config must be an AugmentConfig object');
  for (const k of [
    'elastic',
    'rotation',
    'scale',
    'shear',
    'translation',
    'flipHorizontal',
    'flipVertical',
    'rot90',
    'brightness',
    'contrast',
    'gamma',
    'noise',
  ] as const) {
    checkToggle(c[k], k);
  }
  checkRangeOpt(c.elastic.alpha, 'elastic.alpha', -1e4, 1e4);
  checkRangeOpt(c.elastic.sigma, 'elastic.sigma', 0.1, 1000);
  checkRangeOpt(c.rotation.degrees, 'rotation.degrees', -360, 360);
  checkRangeOpt(c.scale.factor, 'scale.factor', 0.01, 100);
  checkRangeOpt(c.shear.range, 'shear.range', -10, 10);
  checkRangeOpt(c.translation.fraction, 'translation.fraction', -10, 10);
  checkRangeOpt(c.brightness.range, 'brightness.range', -1e6, 1e6);
  checkRangeOpt(c.contrast.range, 'contrast.range', -1e6, 1e6);
  checkRangeOpt(c.gamma.range, 'gamma.range', 1e-3, 1e3);
  checkRangeOpt(c.noise.std, 'noise.std', 0, 1e6);
  if (c.boundary !== 'reflect' && c.boundary !== 'constant') {
    throw new AugmentError(`config.boundary must be 'reflect' or 'constant', got ${String(c.boundary)}`);
  }
}

type M = [number, number, number, number];
const mul = (p: M, q: M): M => [
  p[0] * q[0] + p[1] * q[2],
  p[0] * q[1] + p[1] * q[3],
  p[2] * q[0] + p[3] * q[2],
  p[2] * q[1] + p[3] * q[3],
];

/**
 * Draws every random choice of one sample from `rng`, in a fixed order and always the same
 * number of draws, so switching a transform off leaves the others' draws unchanged.
 * Matrices with entries 0/±1 (flips, rot90) stay exact.
 */
export function drawAugment(c: AugmentConfig, rng: Rng, width: number, height: number): AugmentDraw {
  const on = (t: AugmentToggle): boolean => {
    const u = rng.next();
    return t.enabled && u < t.p;
  };
  const pick = (r: AugmentRange): number => rng.uniform(r[0], r[1]);
  let m: M = [1, 0, 0, 1];
  const t: [number, number] = [0, 0];

  const elasticOn = on(c.elastic);
  const alpha = pick(c.elastic.alpha);
  const sigma = pick(c.elastic.sigma);
  const elasticSeed = rng.nextU32();

  if (on(c.flipHorizontal)) m = mul(m, [-1, 0, 0, 1]);
  if (on(c.flipVertical)) m = mul(m, [1, 0, 0, -1]);
  const rot90On = on(c.rot90);
  const k = 1 + rng.int(3);
  if (rot90On) for (let i = 0; i < k; i++) m = mul(m, [0, -1, 1, 0]);

  const rotOn = on(c.rotation);
  const theta = (pick(c.rotation.degrees) * Math.PI) / 180;
  if (rotOn) m = mul([Math.cos(theta), -Math.sin(theta), Math.sin(theta), Math.cos(theta)], m);
  const scaleOn = on(c.scale);
  const s = pick(c.scale.factor);
  if (scaleOn) m = mul([1 / s, 0, 0, 1 / s], m);
  const shearOn = on(c.shear);
  const sh = pick(c.shear.range);
  if (shearOn) m = mul([1, sh, 0, 1], m);
  const transOn = on(c.translation);
  const tx = pick(c.translation.fraction) * width;
  const ty = pick(c.translation.fraction) * height;
  if (transOn) {
    t[0] = tx;
    t[1] = ty;
  }

  const bOn = on(c.brightness);
  const brightness = pick(c.brightness.range);
  const cOn = on(c.contrast);
  const contrast = pick(c.contrast.range);
  const gOn = on(c.gamma);
  const gamma = pick(c.gamma.range);
  const nOn = on(c.noise);
  const std = pick(c.noise.std);
  const noiseSeed = rng.nextU32();

  return {
    m,
    t,
    ...(elasticOn ? { elastic: { alpha, sigma, seed: elasticSeed } } : {}),
    brightness: bOn ? brightness : 0,
    contrast: cOn ? contrast : 1,
    gamma: gOn ? gamma : 1,
    ...(nOn && std > 0 ? { noise: { std, seed: noiseSeed } } : {}),
  };
}

/**
 * Applies a drawn augmentation to the window of `sample` whose image part starts at (ox, oy) and
 * is tw x th; the label part is lw x lh, centred in it. Geometry is one warp per array about the
 * window centre; elastic noise covers the image window.
 */
function applyWindow(
  sample: Sample,
  d: AugmentDraw,
  boundary: 'reflect' | 'constant',
  ox: number,
  oy: number,
  tw: number,
  th: number,
  lw: number,
  lh: number,
): Sample {
  const { width: W, height: H } = sample;
  // Sampling map about the window centre w, rewritten about the image centre c (the warp's
  // convention): s = M (X - w) + w + t = M (X - c) + c + t', t' = t + M (c - w) + w - c.
  const cx = (W - 1) / 2;
  const cy = (H - 1) / 2;
  const wx = ox + (tw - 1) / 2;
  const wy = oy + (th - 1) / 2;
  const [a, b, c, e] = d.m;
  const tx = d.t[0] + a * (cx - wx) + b * (cy - wy) + wx - cx;
  const ty = d.t[1] + c * (cx - wx) + e * (cy - wy) + wy - cy;
  const isConst = boundary === 'constant';
  const mx = Math.floor((tw - lw) / 2);
  const my = Math.floor((th - lh) / 2);
  const imageP: WarpKernelParams = {
    par: Float32Array.of(a, b, tx + cx, c, e, ty + cy, 0, 0), // + the label's constant (augWarpPair)
    outW: tw,
    outH: th,
    offX: ox,
    offY: oy,
    nearest: false,
    constant: isConst,
  };
  const field = d.elastic
    ? {
        states: fieldNoiseStates(d.elastic.seed),
        plan: fieldPlan(th, d.elastic.sigma),
        alpha: d.elastic.alpha,
      }
    : undefined;
  const out = elasticWarpPairWasm(sample.image, sample.label, W, H, field, imageP, {
    x: mx,
    y: my,
    width: lw,
    height: lh,
  });
  let image = out.image;
  if (d.gamma !== 1 || d.contrast !== 1 || d.brightness !== 0) {
    image = adjustIntensity(image, { brightness: d.brightness, contrast: d.contrast, gamma: d.gamma });
  }
  if (d.noise) image = addGaussianNoise(image, d.noise);
  return { image, label: out.label, width: tw, height: th };
}

/**
 * Randomly augments a sample (same size out). Every transform of `config` is drawn with its own
 * probability and ranges from `new Rng(seed)`; the geometry (flips, rot90, rotation, scale,
 * shear, translation, elastic field) is composed into one warp per array about the image centre,
 * bilinear for the image and nearest for the label (so labels keep their values), with the
 * config's border rule; brightness/contrast/gamma and noise then touch the image only. Same
 * seed, same output. With every transform off the input comes back exactly.
 * @throws AugmentError on a bad sample, config or seed.
 */
export function augment(sample: Sample, config: AugmentConfig = defaultAugmentConfig, seed = 0): Sample {
  checkSample(sample);
  checkAugmentConfig(config);
  checkSeed(seed);
  const { width: W, height: H } = sample;
  const d = drawAugment(config, new Rng(seed), W, H);
  return applyWindow(sample, d, config.boundary, 0, 0, W, H, W, H);
}

function checkTile(tile: TileSize): { tw: number; th: number; lw: number; lh: number } {
  if (typeof tile !== 'object' || tile === null) throw new AugmentError('tile must be { width, height }');
  const tw = tile.width;
  const th = tile.height;
  const lw = tile.labelWidth ?? tw;
  const lh = tile.labelHeight ?? th;
  checkSize(tw, th, 'tile');
  checkSize(lw, lh, 'label tile');
  if (lw > tw || lh > th)
    throw new AugmentError(`label tile ${lw}x${lh} must fit in the image tile ${tw}x${th}`);
  return { tw, th, lw, lh };
}

/** Uniform label-tile origin over the slice (centred when the tile is larger), minus the margin. */
function tileOrigin(
  rng: Rng,
  W: number,
  H: number,
  tw: number,
  th: number,
  lw: number,
  lh: number,
): [number, number] {
  const lx = lw <= W ? rng.int(W - lw + 1) : Math.floor((W - lw) / 2);
  const ly = lh <= H ? rng.int(H - lh + 1) : Math.floor((H - lh) / 2);
  return [lx - Math.floor((tw - lw) / 2), ly - Math.floor((th - lh) / 2)];
}

/**
 * Augments a random training tile straight out of a full-size slice: picks the label tile's
 * position uniformly over the slice (the image tile extends it by the margin, e.g. for 'valid'
 * U-Nets), draws the transforms like `augment` and warps only the tile, about the tile centre,
 * sampling outside it from the slice (and outside the slice by the border rule). The elastic
 * field is drawn at tile size. Returns an image of tile.width x tile.height and a label of
 * labelWidth x labelHeight (default the same), centred in it.
 * @throws AugmentError on a bad sample, config, tile or seed.
 */
export function augmentTile(
  sample: Sample,
  config: AugmentConfig = defaultAugmentConfig,
  seed = 0,
  tile: TileSize,
): Sample & { labelWidth: number; labelHeight: number } {
  checkSample(sample);
  checkAugmentConfig(config);
  checkSeed(seed);
  const { tw, th, lw, lh } = checkTile(tile);
  const rng = new Rng(seed);
  const [ox, oy] = tileOrigin(rng, sample.width, sample.height, tw, th, lw, lh);
  const d = drawAugment(config, rng, tw, th);
  const out = applyWindow(sample, d, config.boundary, ox, oy, tw, th, lw, lh);
  return { ...out, labelWidth: lw, labelHeight: lh };
}

/**
 * A random crop (no other change) of `size`, placed like `augmentTile` places its tiles; parts
 * outside the slice are mirrored. Image and label are cut at the same place.
 * @throws AugmentError on a bad sample, size or seed.
 */
export function randomCrop(sample: Sample, size: { width: number; height: number }, seed = 0): Sample {
  checkSample(sample);
  checkSeed(seed);
  const { tw, th } = checkTile(size);
  const rng = new Rng(seed);
  const [ox, oy] = tileOrigin(rng, sample.width, sample.height, tw, th, tw, th);
  const d: AugmentDraw = { m: [1, 0, 0, 1], t: [0, 0], brightness: 0, contrast: 1, gamma: 1 };
  return applyWindow(sample, d, 'reflect', ox, oy, tw, th, tw, th);
}
