// The `reproduce-isbi` command: argument parsing and the entry point the CLI dispatches to.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SHIFT_INTERPOLATIONS } from '../../data/index.js';
import { CliUsageError } from '../args.js';
import type { OutStream } from '../progressLine.js';
import { AUGMENT_PRESETS, LOSS_PRESETS, REPRODUCE_DEFAULTS } from './options.js';
import type { ReproduceIsbiOptions } from './options.js';
import { runReproduceIsbi } from './reproduceIsbi.js';
import { MAX_MEMBERS, runReproduceEnsemble } from './ensemble.js';
import { runSelfTraining } from './selfTrain.js';

export const REPRODUCE_HELP = `Usage: unet-wasm reproduce-isbi [options]   (npm run reproduce:isbi -- [options])

Trains a U-Net on ISBI 2012 slices 0-26 within a wall-time budget, evaluates the best epoch on
slices 27-29 (full 512² and the seed's 388² centre crop: mean IoU, pixel accuracy, V_rand,
V_info), writes probability maps (TIFF) of those slices and of test-volume.tif, and report.html.

  --data DIR        folder with train-volume.tif, train-labels.tif, test-volume.tif
                    (default ${REPRODUCE_DEFAULTS.data})
  --out DIR         output folder (default runs/reproduce-isbi/seed<seed>)
  --seed N          default ${REPRODUCE_DEFAULTS.seed}
  --minutes M       wall-time budget of the whole command (default ${REPRODUCE_DEFAULTS.minutes})
  --tta             8-fold flip/rotation averaging at evaluation and test prediction
  --test-tta on|off  whether --tta also covers test-volume.tif (default: as --tta; off leaves
                    about 6 more minutes of the budget to training)
  --loss P          ce | border | balanced | unet (default ${REPRODUCE_DEFAULTS.loss})
  --dice X          weight of a soft Dice term added to the loss (default ${REPRODUCE_DEFAULTS.dice})
  --augment P       full | smooth (full with a smoother elastic field) | dihedral (flips and
                    rot90 only) | none (default ${REPRODUCE_DEFAULTS.augment})
  --label-offset V  auto | none | DX,DY: resample all images at (x+DX, y+DY) to put them on
                    the labels' grid; auto estimates it on the training slices (default ${REPRODUCE_DEFAULTS.labelOffset})
  --shift-interpolation I  bilinear | cubic: how that resampling interpolates (default ${REPRODUCE_DEFAULTS.shiftInterpolation})
  --slice-context R  feed R neighbouring sections per side as extra input channels ("2.5-D"; a
                    training slice's neighbours come from the training slices only; default ${REPRODUCE_DEFAULTS.sliceContext})
  --train-slices L  training slices, e.g. 0-23 or 0,2,4-9 (default 0-26)
  --validation-slices L  validation slices (default 27-29); never trained on
  --epochs N        upper bound on epochs (default: as many as the budget allows, or the end
                    of the cosine decay)
  --dropout X       dropout rate in [0, 1) after the bottom convs, as in the paper (default 0; batch-norm
                    recalibration runs without it)
  --filters N       base filters of the U-Net (default ${REPRODUCE_DEFAULTS.baseFilters}; the cost of a step grows ~N²)
  --tile N          training tile edge (default ${REPRODUCE_DEFAULTS.tileSize}; a multiple of 2^depth with same padding)
  --batch N         tiles per step (default ${REPRODUCE_DEFAULTS.batchSize})
  --lr X            Adam learning rate (default ${REPRODUCE_DEFAULTS.learningRate})
  --ema X           decay in [0, 1) of a moving average of the weights, which validation,
                    checkpoints and evaluation use (default ${REPRODUCE_DEFAULTS.weightAverage} = off)
  --cosine-steps N  decay the learning rate to 1/100 of it along a cosine over N steps, then stop
                    (default ${REPRODUCE_DEFAULTS.cosineSteps} = constant rate until the budget)
  --steps-per-epoch N  steps between validations (default ${REPRODUCE_DEFAULTS.stepsPerEpoch})
  --threads N       tfjs-wasm threads (default: all CPUs; 1 = one compute thread)
  --resume          continue from <out>/checkpoints/last (the budget restarts); with members,
                    each from <out>/member-<k>/checkpoints/last (give the same --seed)
  --pseudo-labels FILE  self-training: also train on the test volume, labelled by the cell
                    probabilities in FILE (p > 0.5 = cell; e.g. an earlier run's test-probabilities.tif)
  --self-train F    self-training in two rounds: round 1 trains for a share F of the budget and
                    predicts the test volume (no TTA); round 2 starts from its model(s) and trains on the
                    training slices plus the test slices with those labels (default 0 = off)
  --warm-start      start from <out>/model (an earlier run's evaluated model; with members, each
                    from <out>/member-<k>/model) instead of fresh weights
  --quiet           no per-step progress line
  --members K       train K models at once, one process each (seeds seed … seed+K-1, the CPUs
                    divided among them), and score the mean of their probability maps; outputs
                    of each in <out>/member-<k>/ (default ${REPRODUCE_DEFAULTS.members}; needs npm run build)
  --options FILE    options from a JSON file (keys of ReproduceIsbiOptions); flags override it
`;

function intArg(flag: string, v: string | undefined, min = 1): number {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n) || n < min) {
    throw new CliUsageError(`${flag} needs an integer >= ${min}, got ${v ?? 'nothing'}`);
  }
  return n;
}

/** `v` as a finite number accepted by `ok` (throws `CliUsageError` naming `what` otherwise). */
function numberArg(flag: string, v: string, ok: (x: number) => boolean, what: string): number {
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || !ok(x))
    throw new CliUsageError(`${flag} needs ${what}, got ${v}`);
  return x;
}

/** `v` if it is one of `allowed` (throws `CliUsageError` otherwise). */
function oneOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) {
    throw new CliUsageError(`${flag} must be one of ${allowed.join(', ')}, got ${v}`);
  }
  return v as T;
}

/** Parses a slice list such as `0-23` or `0,2,4-9` (ascending ranges, integers >= 0). */
function sliceList(flag: string, v: string): number[] {
  const out: number[] = [];
  for (const part of v.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    const a = m ? Number(m[1]) : NaN;
    const b = m?.[2] !== undefined ? Number(m[2]) : a;
    if (!m || b < a || b - a > 100_000) {
      throw new CliUsageError(`${flag} needs a list like 0-23 or 0,2,4-9, got ${v}`);
    }
    for (let i = a; i <= b; i++) out.push(i);
  }
  return out;
}

/** Keys an `--options` file may set: every option that is plain data. */
const FILE_KEYS = [
  'data',
  'out',
  'seed',
  'minutes',
  'tta',
  'testTta',
  'epochs',
  'cosineSteps',
  'stepsPerEpoch',
  'loss',
  'dice',
  'augment',
  'labelOffset',
  'shiftInterpolation',
  'sliceContext',
  'model',
  'tileSize',
  'batchSize',
  'learningRate',
  'weightAverage',
  'threads',
  'trainSlices',
  'validationSlices',
  'testSlices',
  'crop',
  'evalCrop',
  'recalibrateBatchNorm',
  'resume',
  'pseudoLabels',
  'warmStart',
  'quiet',
  'members',
  'selfTrain',
] as const satisfies readonly (keyof ReproduceCommandOptions)[];

/** Reads an `--options` file: a JSON object with keys of `FILE_KEYS` (values are checked by the run). */
function optionsFile(path: string): ReproduceCommandOptions {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CliUsageError(`--options ${path}: ${(e as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new CliUsageError(`--options ${path}: expected a JSON object`);
  const bad = Object.keys(v).filter((k) => !(FILE_KEYS as readonly string[]).includes(k));
  if (bad.length > 0) throw new CliUsageError(`--options ${path}: unknown option(s) ${bad.join(', ')}`);
  return v as ReproduceCommandOptions;
}

/** The command's options: a single run's, plus the number of members (2+: an ensemble). */
export type ReproduceCommandOptions = ReproduceIsbiOptions & { members?: number; selfTrain?: number };

/**
 * Parses `reproduce-isbi` arguments into options (throws `CliUsageError`). `--options FILE`
 * supplies options from a JSON file; flags given anywhere on the line override it.
 */
export function parseReproduceArgs(argv: readonly string[]): ReproduceCommandOptions {
  const o: ReproduceCommandOptions = {};
  let fromFile: ReproduceCommandOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const eq = raw.indexOf('=');
    const flag = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    const inline = raw.startsWith('--') && eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) {
        throw new CliUsageError(`${flag} needs a value`);
      }
      return v;
    };
    switch (flag) {
      case '--data':
        o.data = value();
        break;
      case '--out':
        o.out = value();
        break;
      case '--seed':
        o.seed = intArg(flag, value(), 0);
        break;
      case '--minutes': {
        const v = value();
        const m = Number(v);
        if (!(m > 0) || !Number.isFinite(m))
          throw new CliUsageError(`--minutes needs a number > 0, got ${v}`);
        o.minutes = m;
        break;
      }
      case '--tta':
        o.tta = true;
        break;
      case '--test-tta':
        o.testTta = oneOf(flag, value(), ['on', 'off'] as const) === 'on';
        break;
      case '--loss':
        o.loss = oneOf(flag, value(), LOSS_PRESETS);
        break;
      case '--dice':
        o.dice = numberArg(flag, value(), (x) => x >= 0, 'a number >= 0');
        break;
      case '--augment':
        o.augment = oneOf(flag, value(), AUGMENT_PRESETS);
        break;
      case '--slice-context':
        o.sliceContext = intArg(flag, value(), 0);
        if (o.sliceContext > 8)
          throw new CliUsageError(`${flag} needs an integer in [0, 8], got ${o.sliceContext}`);
        break;
      case '--shift-interpolation':
        o.shiftInterpolation = oneOf(flag, value(), SHIFT_INTERPOLATIONS);
        break;
      case '--label-offset': {
        const v = value();
        if (v === 'auto' || v === 'none') o.labelOffset = v;
        else {
          const m = /^(-?[0-9.]+),(-?[0-9.]+)$/.exec(v);
          const xy = m ? [Number(m[1]), Number(m[2])] : [];
          if (xy.length !== 2 || !xy.every((x) => Number.isFinite(x) && Math.abs(x) <= 4))
            throw new CliUsageError(
              `--label-offset needs auto, none or DX,DY with |DX|, |DY| <= 4, got ${v}`,
            );
          o.labelOffset = [xy[0]!, xy[1]!];
        }
        break;
      }
      case '--train-slices':
        o.trainSlices = sliceList(flag, value());
        break;
      case '--validation-slices':
        o.validationSlices = sliceList(flag, value());
        break;
      case '--epochs':
        o.epochs = intArg(flag, value());
        break;
      case '--dropout':
        o.model = {
          ...(o.model ?? {}),
          dropout: numberArg(flag, value(), (x) => x >= 0 && x < 1, 'a number in [0, 1)'),
        };
        break;
      case '--filters':
        o.model = { ...(o.model ?? {}), baseFilters: intArg(flag, value()) };
        break;
      case '--tile':
        o.tileSize = intArg(flag, value(), 16);
        break;
      case '--batch':
        o.batchSize = intArg(flag, value());
        break;
      case '--lr':
        o.learningRate = numberArg(flag, value(), (x) => x > 0 && x <= 1, 'a number in (0, 1]');
        break;
      case '--ema':
        o.weightAverage = numberArg(flag, value(), (x) => x >= 0 && x < 1, 'a number in [0, 1)');
        break;
      case '--cosine-steps':
        o.cosineSteps = intArg(flag, value(), 0);
        break;
      case '--steps-per-epoch':
        o.stepsPerEpoch = intArg(flag, value());
        break;
      case '--threads':
        o.threads = intArg(flag, value());
        break;
      case '--resume':
        o.resume = true;
        break;
      case '--pseudo-labels':
        o.pseudoLabels = resolve(value());
        break;
      case '--warm-start':
        o.warmStart = true;
        break;
      case '--self-train':
        o.selfTrain = numberArg(flag, value(), (x) => x >= 0 && x < 1, 'a number in [0, 1)');
        break;
      case '--quiet':
        o.quiet = true;
        break;
      case '--members':
        o.members = intArg(flag, value());
        if (o.members > MAX_MEMBERS)
          throw new CliUsageError(`--members needs an integer in [1, ${MAX_MEMBERS}]`);
        break;
      case '--options':
        fromFile = optionsFile(value());
        break;
      default:
        throw new CliUsageError(`unknown option '${raw}' for reproduce-isbi (try --help)`);
    }
  }
  return { ...fromFile, ...o };
}

/**
 * Runs `reproduce-isbi` with CLI arguments. Resolves to 0 on success; errors propagate to the CLI's
 * handler (bad options → exit 2). `--help` prints the usage.
 */
export async function reproduceIsbiCommand(
  argv: readonly string[],
  io: { stdout: OutStream; signal?: AbortSignal },
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(REPRODUCE_HELP);
    return 0;
  }
  const { members = REPRODUCE_DEFAULTS.members, selfTrain = 0, ...opts } = parseReproduceArgs(argv);
  const run = { ...opts, stdout: io.stdout, ...(io.signal ? { signal: io.signal } : {}) };
  const once = (o: ReproduceIsbiOptions): Promise<unknown> =>
    members > 1 ? runReproduceEnsemble({ ...o, members }) : runReproduceIsbi(o);
  if (selfTrain > 0) await runSelfTraining({ ...run, selfTrain }, once);
  else await once(run);
  return 0;
}
