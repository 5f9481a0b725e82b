#!/usr/bin/env node
// The unet-wasm command line: `train` and `predict` (see `--help`). Bad options or input give one
// error line and exit code 2; Ctrl-C saves a checkpoint and exits with 130.
import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { syntheticEM } from '../data/index.js';
import { predictTiled } from '../infer/index.js';
import { formatDuration, formatEpoch, formatProgress, prepareImages, prepareLabels } from '../train/index.js';
import type { EpochRecord, StackInput, TrainResult } from '../train/index.js';
import { CliUsageError, helpText, parsePredictArgs, parseTrainArgs, wantsHelp } from './args.js';
import type { TrainArgs } from './args.js';
import { predictFiles } from './predict.js';
import { ProgressLine } from './progressLine.js';
import type { OutStream } from './progressLine.js';
import { writeReport } from './report.js';
import type { OverlaySlice } from './report.js';
import { readStack } from './stacks.js';
import { SYNTHETIC_DEFAULTS } from './syntheticDefaults.js';
import { trainOptionsFromArgs } from './trainOptionsFromArgs.js';
import { trainUNet } from './trainUNet.js';
import { trainHeadlessCommand } from './headless/runHeadless.js';
import { demoCommand } from './demo/serveDemo.js';
import { reproduceIsbiCommand } from './reproduce/index.js';
import type { NodeTrainOptions } from './trainUNet.js';

/** Where the CLI writes; tests pass in-memory streams. */
export interface CliIO {
  stdout: OutStream;
  stderr: OutStream;
  /** Abort signal source for Ctrl-C; the real CLI wires SIGINT to it. */
  signal?: AbortSignal;
}

/** Error names that mean bad options or input (exit 2, one line, no stack). */
const INPUT_ERRORS = new Set([
  'CliUsageError',
  'TrainConfigError',
  'CheckpointError',
  'UNetConfigError',
  'TiffError',
  'AugmentError',
  'InferenceInputError',
  'DataInputError',
  'WeightsInputError',
  'AugmentConfigError',
  'AugmentInputError',
  'LossInputError',
  'MetricInputError',
  'InferInputError',
  'InferConfigError',
  'BackendError',
  'KernelSupportError',
  'HeadlessError',
  'ChromiumError',
]);

function isInputError(e: unknown): e is Error {
  if (!(e instanceof Error)) return false;
  if (INPUT_ERRORS.has(e.name) || /(Config|Input|Usage)Error$/.test(e.name)) return true;
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'ENOTDIR';
}

async function loadTrainData(
  a: TrainArgs,
  io: CliIO,
): Promise<{ images: StackInput; labels: StackInput; source: string }> {
  if (a.images && a.labels) {
    const images = await readStack(a.images, 'image');
    const labels = await readStack(a.labels, 'label');
    if (images.width !== labels.width || images.height !== labels.height || images.count !== labels.count) {
      throw new CliUsageError(
        `labels (${labels.count} slices of ${labels.width}x${labels.height}) do not match images (${images.count} slices of ${images.width}x${images.height})`,
      );
    }
    return { images, labels, source: `${a.images} + ${a.labels}` };
  }
  const d = SYNTHETIC_DEFAULTS;
  const syn = syntheticEM({ count: d.count, width: d.size, height: d.size, seed: a.seed });
  io.stdout.write(
    `No --images given: training on the embedded synthetic EM dataset (${d.count} slices of ${d.size}x${d.size}, seed ${a.seed}).\n`,
  );
  return {
    images: { data: syn.images, width: syn.width, height: syn.height, count: syn.count },
    labels: { data: syn.labels, width: syn.width, height: syn.height, count: syn.count },
    source: `syntheticEM (${d.count} slices of ${d.size}x${d.size}, seed ${a.seed})`,
  };
}

function trainOptions(a: TrainArgs, synthetic: boolean): Omit<NodeTrainOptions, 'images' | 'labels'> {
  const o: Omit<NodeTrainOptions, 'images' | 'labels'> = {
    ...trainOptionsFromArgs(a, synthetic),
    backend: a.backend,
    checkpointDir: a.out,
  };
  if (a.workers !== undefined) o.workers = a.workers;
  return o;
}

async function overlaysFor(
  result: TrainResult,
  images: StackInput,
  labels: StackInput,
  max = 3,
): Promise<OverlaySlice[]> {
  const { width, height, count } = images;
  const plane = width * height;
  const c = result.config;
  const norm = prepareImages(images.data, width, height, count);
  const classes = prepareLabels(labels.data, c.model.classes ?? 2);
  const out: OverlaySlice[] = [];
  for (const s of result.split.validation.slice(0, max)) {
    const img = norm.slice(s * plane, (s + 1) * plane);
    const r = await predictTiled(result.model, img, width, height, {
      batchSize: c.batchSize,
      ...(c.validationTileSize !== null ? { tileSize: c.validationTileSize } : {}),
    });
    out.push({
      slice: s,
      image: images.data.subarray(s * plane, (s + 1) * plane),
      label: classes.subarray(s * plane, (s + 1) * plane),
      pred: r.labels,
      width,
      height,
    });
  }
  return out;
}

async function runTrain(argv: string[], io: CliIO): Promise<number> {
  const a = parseTrainArgs(argv);
  const t0 = Date.now();
  const { images, labels, source } = await loadTrainData(a, io);
  const synthetic = !a.images;
  const progress = new ProgressLine(io.stdout);
  let lastRecord: EpochRecord | undefined;
  const opts: NodeTrainOptions = {
    ...trainOptions(a, synthetic),
    images,
    labels,
    ...(io.signal ? { signal: io.signal } : {}),
    onBatchEnd: (info) => {
      if (info.stepsThisRun === 1 && info.globalStep > 1) {
        progress.line(
          `Resumed from ${join(a.out, 'last')} at epoch ${info.epoch + 1}, step ${info.step + 1}.`,
        );
      }
      if (!a.quiet) progress.update(formatProgress(info, lastRecord, lastRecord?.validationSeconds ?? 0));
    },
    onEpochEnd: (record, history) => {
      lastRecord = record;
      progress.line(formatEpoch(record, Math.max(history.length, opts.epochs ?? 10, record.epoch + 1)));
    },
  };
  const result = await trainUNet(opts);
  progress.done();
  try {
    if (result.aborted) {
      io.stdout.write(
        `Interrupted: checkpoint saved in ${join(a.out, 'last')}; rerun with --resume to continue.\n`,
      );
      return 130;
    }
    const best = result.history.find((r) => r.epoch === result.bestEpoch);
    if (best?.validation) {
      const v = best.validation;
      io.stdout.write(
        `Best epoch ${best.epoch + 1}: validation pixel accuracy ${(v.pixelAccuracy * 100).toFixed(2)} % ` +
          `(majority-class baseline ${(result.majorityBaseline * 100).toFixed(2)} %), mean IoU ${v.meanIoU.toFixed(4)}, ` +
          `V_rand ${v.vRand.toFixed(4)}, V_info ${v.vInfo.toFixed(4)}\n`,
      );
    }
    if (a.report && result.history.length > 0) {
      const files = writeReport({
        outDir: a.out,
        title: 'unet-wasm training report',
        history: result.history,
        config: result.config,
        majorityBaseline: result.majorityBaseline,
        bestEpoch: result.bestEpoch,
        overlays: await overlaysFor(result, images, labels),
        notes: {
          data: source,
          backend: a.backend,
          'wall time (this run)': formatDuration((Date.now() - t0) / 1000),
        },
      });
      io.stdout.write(`Report: ${resolve(files.html)}\n`);
    }
    io.stdout.write(
      `Model: ${resolve(join(a.out, result.bestEpoch >= 0 ? 'best' : 'last'))} (tfjs model.json + weights.bin)\n`,
    );
    return 0;
  } finally {
    result.model.dispose();
  }
}

async function runPredict(argv: string[], io: CliIO): Promise<number> {
  const a = parsePredictArgs(argv);
  const progress = new ProgressLine(io.stdout, 5_000);
  const r = await predictFiles({
    model: a.model,
    images: a.images,
    out: a.out,
    tta: a.tta,
    backend: a.backend,
    ...(a.labelsOut ? { labelsOut: a.labelsOut } : {}),
    ...(a.tile ? { tileSize: a.tile } : {}),
    ...(a.batchSize ? { batchSize: a.batchSize } : {}),
    onSlice: (done, total) => progress.update(`predicted ${done}/${total} slices`, done === total),
  });
  progress.done();
  io.stdout.write(
    `Predicted ${r.count} slices of ${r.width}x${r.height} with ${r.modelDir}\n  probabilities: ${r.probabilities}\n  labels: ${r.labels}\n`,
  );
  return 0;
}

/** Runs the CLI with `argv` (without node and script). Resolves to the exit code; never throws. */
export async function main(
  argv: string[],
  io: CliIO = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      io.stdout.write(helpText());
      return cmd === undefined ? 2 : 0;
    }
    // reproduce-isbi has its own flags and --help.
    if (cmd === 'reproduce-isbi') return await reproduceIsbiCommand(rest, io);
    if (wantsHelp(rest)) {
      io.stdout.write(helpText());
      return 0;
    }
    if (cmd === 'train') return await runTrain(rest, io);
    if (cmd === 'predict') return await runPredict(rest, io);
    if (cmd === 'train-headless') return await trainHeadlessCommand(rest, io);
    if (cmd === 'demo') return await demoCommand(rest, io);
    throw new CliUsageError(`unknown command '${cmd}' (try --help)`);
  } catch (e) {
    if (isInputError(e)) {
      io.stderr.write(`unet-wasm: error: ${e.message.split('\n')[0]}\n`);
      return 2;
    }
    const err = e as Error;
    io.stderr.write(`unet-wasm: unexpected error: ${err?.message ?? String(e)}\n`);
    if (process.env['UNET_WASM_DEBUG'] && err?.stack) io.stderr.write(`${err.stack}\n`);
    return 1;
  }
}

function isEntryPoint(): boolean {
  const argv1 = process.argv[1];
  if (!argv1) return false;
  try {
    return realpathSync(argv1) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // Production mode: skips tfjs debug checks and its "install tfjs-node" banner on stderr.
  tf.enableProdMode();
  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write('\nStopping after this step and saving a checkpoint (Ctrl-C again to quit now)…\n');
    controller.abort();
  });
  main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    signal: controller.signal,
  }).then((code) => {
    process.exitCode = code;
  });
}
