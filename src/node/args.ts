// Command-line parsing for `unet-wasm train` and `unet-wasm predict` (node:util parseArgs, strict).
import { parseArgs } from 'node:util';
import type { BackendName } from '../backend/index.js';

/** A usage error: printed as one line, exit code 2. */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

/** Parsed `train` arguments. Undefined fields take the trainer's (or the demo's) defaults. */
export interface TrainArgs {
  images?: string;
  labels?: string;
  epochs?: number;
  batchSize?: number;
  tile?: number;
  lr?: number;
  /** Steps of a cosine decay of the learning rate to lr/100 (0 or absent: constant). */
  cosineSteps?: number;
  /** Decay of the EMA of the weights (0 or absent: off). */
  ema?: number;
  validation?: number | number[];
  depth?: number;
  filters?: number;
  padding?: 'same' | 'valid';
  batchNorm: boolean;
  dropout?: number;
  upsampling?: 'transpose' | 'bilinear';
  out: string;
  resume: boolean;
  seed: number;
  backend: BackendName;
  stepsPerEpoch?: number;
  weights: false | { w0?: number; sigma?: number; classWeights?: 'balanced' | [number, number] };
  augment: boolean;
  dice?: number;
  checkpointEvery?: number;
  /** Batch worker threads; 0 = make batches on the training thread. */
  workers?: number;
  report: boolean;
  quiet: boolean;
}

/** Parsed `predict` arguments. */
export interface PredictArgs {
  model: string;
  images: string;
  out: string;
  labelsOut?: string;
  tile?: number;
  batchSize?: number;
  tta: boolean;
  backend: BackendName;
}

/** One row of the help text; also the README's flag table. */
export interface FlagDoc {
  flag: string;
  value: string;
  default: string;
  help: string;
}

export const TRAIN_FLAGS: readonly FlagDoc[] = [
  {
    flag: '--images',
    value: 'FILE',
    default: 'synthetic EM',
    help: 'image stack (multi-page TIFF); without it, trains on the embedded syntheticEM dataset',
  },
  {
    flag: '--labels',
    value: 'FILE',
    default: '–',
    help: 'label stack, same size (0 = membrane, 255 or 1 = cell)',
  },
  { flag: '--epochs', value: 'N', default: '10 (synthetic: 8)', help: 'epochs' },
  { flag: '--batch-size', value: 'N', default: '2 (synthetic: 4)', help: 'tiles per step' },
  {
    flag: '--tile',
    value: 'N',
    default: '128 (synthetic: 96)',
    help: 'input tile edge; with --padding valid the label tile is smaller',
  },
  {
    flag: '--steps-per-epoch',
    value: 'N',
    default: 'area of the training slices (synthetic: 50)',
    help: 'steps per epoch',
  },
  { flag: '--lr', value: 'X', default: '0.001', help: 'Adam learning rate' },
  {
    flag: '--cosine-steps',
    value: 'N',
    default: '0 (constant rate)',
    help: 'decay the learning rate to lr/100 along a cosine over N steps',
  },
  {
    flag: '--ema',
    value: 'X',
    default: '0 (off)',
    help: 'decay in [0, 1) of a moving average of the weights; validation, checkpoints and the result use it',
  },
  {
    flag: '--val-split',
    value: 'X | I,J,…',
    default: '0.1',
    help: 'validation: a fraction (last slices) or slice indices, e.g. 27,28,29',
  },
  { flag: '--depth', value: 'N', default: '4 (synthetic: 3)', help: 'U-Net poolings' },
  {
    flag: '--filters',
    value: 'N',
    default: '16 (synthetic: 8)',
    help: 'filters of the first level (doubling per level)',
  },
  {
    flag: '--padding',
    value: 'same|valid',
    default: 'same',
    help: "convolution padding; 'valid' as in the paper (output smaller than input)",
  },
  { flag: '--batch-norm', value: '', default: 'off', help: 'batch normalisation after every conv' },
  { flag: '--dropout', value: 'X', default: '0', help: 'dropout at the bottom of the U' },
  {
    flag: '--upsampling',
    value: 'transpose|bilinear',
    default: 'transpose',
    help: 'up-convolution or bilinear + 1×1 conv',
  },
  { flag: '--w0', value: 'X', default: '10', help: 'weight-map border amplitude' },
  { flag: '--sigma', value: 'X', default: '5', help: 'weight-map border width (pixels)' },
  {
    flag: '--class-weights',
    value: 'balanced|A,B',
    default: 'balanced',
    help: 'class weights of the weight map',
  },
  { flag: '--no-weights', value: '', default: '', help: 'plain (unweighted) cross-entropy' },
  {
    flag: '--no-augment',
    value: '',
    default: '',
    help: 'random crops only, no elastic/flip/intensity augmentation',
  },
  { flag: '--dice', value: 'X', default: '0', help: 'weight of a soft Dice term added to the loss' },
  {
    flag: '--seed',
    value: 'N',
    default: '0',
    help: 'seed of weights, crops, augmentation and the synthetic data',
  },
  { flag: '--backend', value: 'wasm|cpu|webgl|webgpu', default: 'wasm', help: 'tfjs backend' },
  {
    flag: '--workers',
    value: 'N',
    default: '1',
    help: 'threads that make the batches (augmentation, weight maps) ahead of the trainer; 0 = inline',
  },
  {
    flag: '--out',
    value: 'DIR',
    default: 'runs/train',
    help: 'checkpoints (last/, best/), report.html and PNGs',
  },
  {
    flag: '--resume',
    value: '',
    default: 'off',
    help: 'continue from DIR/last (same options; more --epochs extend the run)',
  },
  {
    flag: '--checkpoint-every',
    value: 'N',
    default: '0',
    help: 'also save DIR/last every N steps (always at epoch ends and on Ctrl-C)',
  },
  { flag: '--no-report', value: '', default: '', help: 'skip report.html and the PNGs' },
  { flag: '--quiet', value: '', default: '', help: 'no progress line, only per-epoch lines' },
];

export const PREDICT_FLAGS: readonly FlagDoc[] = [
  {
    flag: '--model',
    value: 'DIR',
    default: '–',
    help: 'a checkpoint (DIR/model.json) or a training --out dir (uses DIR/best, else DIR/last)',
  },
  { flag: '--images', value: 'FILE', default: '–', help: 'image stack (multi-page TIFF)' },
  {
    flag: '--out',
    value: 'FILE',
    default: '–',
    help: 'probability maps, float32 TIFF (class 1 per slice; all classes per slice for >2)',
  },
  {
    flag: '--labels-out',
    value: 'FILE',
    default: 'OUT-labels.tif',
    help: 'label maps, 8-bit TIFF (0/255 for two classes)',
  },
  {
    flag: '--tile',
    value: 'N',
    default: "the model's input (valid) or 256 (same)",
    help: 'overlap-tile size',
  },
  { flag: '--batch-size', value: 'N', default: '4', help: 'tiles per forward pass' },
  { flag: '--tta', value: '', default: 'off', help: 'average the 8 flips/rotations' },
  { flag: '--backend', value: 'wasm|cpu|webgl|webgpu', default: 'wasm', help: 'tfjs backend' },
];

function helpTable(flags: readonly FlagDoc[]): string {
  const left = flags.map((f) => `  ${f.flag}${f.value ? ` ${f.value}` : ''}`);
  const w = Math.max(...left.map((l) => l.length)) + 2;
  return flags
    .map(
      (f, i) =>
        `${left[i]!.padEnd(w)}${f.help}${f.default && f.default !== '–' ? ` (default: ${f.default})` : ''}`,
    )
    .join('\n');
}

export function helpText(): string {
  return `unet-wasm — train and run U-Nets for EM segmentation (TensorFlow.js + WASM kernels)

Usage:
  unet-wasm train [--images a.tif --labels b.tif] [options]
  unet-wasm predict --model DIR --images x.tif --out y.tif [options]
  unet-wasm train-headless [same options as train] [--fallback-backend wasm|webgl|cpu]
                                                      (headless Chromium, WebGL by default)
  unet-wasm reproduce-isbi [--data DIR --seed N --minutes M --tta ...]   (see reproduce-isbi --help)
  unet-wasm demo [--port N]                           (serve the in-browser demo page)
  unet-wasm --help

train options:
${helpTable(TRAIN_FLAGS)}

predict options:
${helpTable(PREDICT_FLAGS)}

Exit codes: 0 done, 1 unexpected failure, 2 bad options or input, 130 interrupted (checkpoint saved).
`;
}

const BACKENDS: readonly BackendName[] = ['wasm', 'cpu', 'webgl', 'webgpu'];

type Raw = Record<string, string | boolean | undefined>;

function parse(argv: string[], options: Record<string, { type: 'string' | 'boolean' }>): Raw {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
    if (positionals.length > 0) throw new CliUsageError(`unexpected argument '${positionals[0]}'`);
    return values as Raw;
  } catch (e) {
    if (e instanceof CliUsageError) throw e;
    // parseArgs messages are one line already ("Unknown option '--foo'…"); keep the first sentence.
    const msg = (e as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '');
    throw new CliUsageError(msg);
  }
}

function int(raw: Raw, key: string, min = 1): number | undefined {
  const v = raw[key];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isInteger(n) || n < min) {
    throw new CliUsageError(`--${key} must be an integer >= ${min}, got '${String(v)}'`);
  }
  return n;
}

function float(raw: Raw, key: string, check: (n: number) => boolean, what: string): number | undefined {
  const v = raw[key];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n) || !check(n)) {
    throw new CliUsageError(`--${key} must be ${what}, got '${String(v)}'`);
  }
  return n;
}

function oneOf<T extends string>(raw: Raw, key: string, allowed: readonly T[]): T | undefined {
  const v = raw[key];
  if (v === undefined) return undefined;
  if (!allowed.includes(v as T))
    throw new CliUsageError(`--${key} must be one of ${allowed.join(', ')}, got '${String(v)}'`);
  return v as T;
}

function str(raw: Raw, key: string): string | undefined {
  const v = raw[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new CliUsageError(`--${key} needs a value`);
  return v;
}

function specOf(flags: readonly FlagDoc[]): Record<string, { type: 'string' | 'boolean' }> {
  const spec: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const f of flags) spec[f.flag.slice(2)] = { type: f.value ? 'string' : 'boolean' };
  return spec;
}

/** Whether argv asks for help. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/** Parses `train` flags. Throws `CliUsageError` with a one-line message. */
export function parseTrainArgs(argv: string[]): TrainArgs {
  const raw = parse(argv, specOf(TRAIN_FLAGS));
  const images = str(raw, 'images');
  const labels = str(raw, 'labels');
  if ((images === undefined) !== (labels === undefined)) {
    throw new CliUsageError(images ? '--images needs --labels' : '--labels needs --images');
  }
  let validation: number | number[] | undefined;
  const vs = raw['val-split'];
  if (vs !== undefined) {
    if (typeof vs !== 'string') throw new CliUsageError('--val-split needs a value');
    if (vs.includes(',') || (/^\d+$/.test(vs.trim()) && Number(vs) >= 1)) {
      const parts = vs.split(',').map((p) => p.trim());
      validation = parts.map((p) => {
        const n = Number(p);
        if (p === '' || !Number.isInteger(n) || n < 0)
          throw new CliUsageError(`--val-split slice indices must be integers >= 0, got '${vs}'`);
        return n;
      });
    } else {
      validation = float(
        raw,
        'val-split',
        (n) => n >= 0 && n < 1,
        'a fraction in [0, 1) or slice indices like 27,28,29',
      );
    }
  }
  let classWeights: 'balanced' | [number, number] | undefined;
  const cw = raw['class-weights'];
  if (cw !== undefined) {
    if (cw === 'balanced') classWeights = 'balanced';
    else {
      const p = String(cw).split(',').map(Number);
      if (p.length !== 2 || !p.every((x) => Number.isFinite(x) && x >= 0)) {
        throw new CliUsageError(
          `--class-weights must be 'balanced' or two numbers like 1,1, got '${String(cw)}'`,
        );
      }
      classWeights = [p[0]!, p[1]!];
    }
  }
  const noWeights = raw['no-weights'] === true;
  const w0 = float(raw, 'w0', (n) => n >= 0, 'a number >= 0');
  const sigma = float(raw, 'sigma', (n) => n > 0, 'a number > 0');
  if (noWeights && (w0 !== undefined || sigma !== undefined || classWeights !== undefined)) {
    throw new CliUsageError('--no-weights cannot be combined with --w0, --sigma or --class-weights');
  }
  const weights: TrainArgs['weights'] = noWeights
    ? false
    : {
        ...(w0 !== undefined ? { w0 } : {}),
        ...(sigma !== undefined ? { sigma } : {}),
        ...(classWeights !== undefined ? { classWeights } : {}),
      };
  const out: TrainArgs = {
    out: str(raw, 'out') ?? 'runs/train',
    resume: raw['resume'] === true,
    seed: int(raw, 'seed', 0) ?? 0,
    backend: oneOf(raw, 'backend', BACKENDS) ?? 'wasm',
    batchNorm: raw['batch-norm'] === true,
    weights,
    augment: raw['no-augment'] !== true,
    report: raw['no-report'] !== true,
    quiet: raw['quiet'] === true,
  };
  const set = <K extends keyof TrainArgs>(k: K, v: TrainArgs[K] | undefined): void => {
    if (v !== undefined) out[k] = v;
  };
  set('images', images);
  set('labels', labels);
  set('epochs', int(raw, 'epochs', 1));
  set('batchSize', int(raw, 'batch-size'));
  set('tile', int(raw, 'tile'));
  set(
    'lr',
    float(raw, 'lr', (n) => n > 0 && n < 10, 'a number in (0, 10)'),
  );
  set('cosineSteps', int(raw, 'cosine-steps', 0));
  set(
    'ema',
    float(raw, 'ema', (n) => n >= 0 && n < 1, 'a number in [0, 1)'),
  );
  set('validation', validation);
  set('depth', int(raw, 'depth'));
  set('filters', int(raw, 'filters'));
  set('padding', oneOf(raw, 'padding', ['same', 'valid'] as const));
  set(
    'dropout',
    float(raw, 'dropout', (n) => n >= 0 && n < 1, 'in [0, 1)'),
  );
  set('upsampling', oneOf(raw, 'upsampling', ['transpose', 'bilinear'] as const));
  set('stepsPerEpoch', int(raw, 'steps-per-epoch'));
  set(
    'dice',
    float(raw, 'dice', (n) => n >= 0, 'a number >= 0'),
  );
  set('checkpointEvery', int(raw, 'checkpoint-every', 0));
  set('workers', int(raw, 'workers', 0));
  return out;
}

/** Parses `predict` flags. Throws `CliUsageError` with a one-line message. */
export function parsePredictArgs(argv: string[]): PredictArgs {
  const raw = parse(argv, specOf(PREDICT_FLAGS));
  const model = str(raw, 'model');
  const images = str(raw, 'images');
  const out = str(raw, 'out');
  if (!model) throw new CliUsageError('predict needs --model DIR');
  if (!images) throw new CliUsageError('predict needs --images FILE');
  if (!out) throw new CliUsageError('predict needs --out FILE');
  const res: PredictArgs = {
    model,
    images,
    out,
    tta: raw['tta'] === true,
    backend: oneOf(raw, 'backend', BACKENDS) ?? 'wasm',
  };
  const labelsOut = str(raw, 'labels-out');
  if (labelsOut) res.labelsOut = labelsOut;
  const tile = int(raw, 'tile');
  if (tile !== undefined) res.tile = tile;
  const bs = int(raw, 'batch-size');
  if (bs !== undefined) res.batchSize = bs;
  return res;
}
