// Prediction from files: load a checkpoint directory, run overlap-tile inference on every slice of
// a TIFF stack, write probability maps (float32 TIFF) and label maps (8-bit TIFF).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { BackendName } from '../backend/index.js';
import { argmaxLabels, predictTiled } from '../infer/index.js';
import { SeededDropout } from '../model/index.js';
import { CheckpointError, filesToArtifacts, readJsonFile } from '../train/index.js';
import type { CheckpointState } from '../train/index.js';
import { initNodeBackend } from './backend.js';
import { writeTiffFile } from './files.js';
import { readStack } from './stacks.js';
import { inputChannels, modelInput, readPreprocess } from './modelPreprocess.js';
import type { ModelPreprocess } from './modelPreprocess.js';
import { channelSlice } from '../data/index.js';

// Keeps the model module (and its custom layer registrations) in the bundle.
void SeededDropout;

/** A loaded checkpoint: the model and, when present, its training state. */
export interface LoadedModel {
  model: LayersModel;
  /** The checkpoint directory actually used. */
  dir: string;
  state: CheckpointState | null;
  /** What training did to the images (`preprocess.json`); `{}` when absent. */
  preprocess: ModelPreprocess;
}

/** `dir` itself if it holds model.json, else `dir/best`, else `dir/last`; undefined if none does. */
function findModelDir(dir: string): string | undefined {
  return [dir, join(dir, 'best'), join(dir, 'last')].find((d) => existsSync(join(d, 'model.json')));
}

/** Finds the checkpoint in `dir`: `dir` itself if it holds model.json, else `dir/best`, else `dir/last`. */
export function resolveModelDir(dir: string): string {
  const d = findModelDir(dir);
  if (d !== undefined) return d;
  throw new CheckpointError(`no model.json in ${dir} (nor in ${join(dir, 'best')} or ${join(dir, 'last')})`);
}

/**
 * The checkpoints `dir` stands for: `resolveModelDir(dir)`, or for an ensemble's output (no model
 * of its own, `member-<k>/model` folders) every member's model, in member order.
 */
export function resolveModelDirs(dir: string): string[] {
  const own = findModelDir(dir);
  if (own !== undefined) return [own];
  const members = existsSync(dir)
    ? readdirSync(dir)
        .map((f) => /^member-(\d+)$/.exec(f))
        .filter((m): m is RegExpExecArray => m !== null && existsSync(join(dir, m[0], 'model', 'model.json')))
        .sort((a, b) => Number(a[1]) - Number(b[1]))
        .map((m) => join(dir, m[0], 'model'))
    : [];
  if (members.length > 0) return members;
  return [resolveModelDir(dir)];
}

/** Loads a tfjs layers model saved by the trainer (or any tfjs model.json with its weight files). */
export async function loadModelDir(dir: string): Promise<LoadedModel> {
  const d = resolveModelDir(dir);
  const files: Record<string, Uint8Array> = {};
  for (const f of readdirSync(d)) files[f] = new Uint8Array(readFileSync(join(d, f)));
  const model = await loadLayersModel(tf.io.fromMemory(filesToArtifacts(files)));
  const state = files['state.json'] ? readJsonFile<CheckpointState>(files, 'state.json') : null;
  const preprocess = readPreprocess(files);
  const inChannels = model.inputs[0]?.shape[3] ?? 1;
  const expected = inputChannels(preprocess);
  if (inChannels !== expected) {
    model.dispose();
    throw new CheckpointError(
      `the model in ${d} takes ${inChannels} input channels, but its preprocess.json gives ${expected} (2·sliceContext.radius + 1)`,
    );
  }
  return { model, dir: d, state, preprocess };
}

export interface PredictFilesOptions {
  /**
   * Checkpoint or training output directory, or the output of `reproduce-isbi --members`: its
   * members' models are all run and their probabilities averaged.
   */
  model: string;
  /** Image stack (TIFF). */
  images: string;
  /** Probability maps (float32 TIFF). */
  out: string;
  /** Label maps (8-bit TIFF). Default: `<out stem>-labels.tif`. */
  labelsOut?: string;
  /** Overlap-tile size. Default: the training tile size, else 256. */
  tileSize?: number;
  /** Default 4. */
  batchSize?: number;
  /** Average the 8 flips/rotations. Default false. */
  tta?: boolean;
  /** Default 'wasm'. */
  backend?: BackendName;
  /** Called after each slice. */
  onSlice?: (done: number, total: number) => void;
}

export interface PredictFilesResult {
  probabilities: string;
  labels: string;
  count: number;
  width: number;
  height: number;
  classes: number;
  /** The checkpoint directories used, comma-separated (several for an ensemble). */
  modelDir: string;
  /** The checkpoint directories used: one, or an ensemble's members. */
  modelDirs: string[];
}

/** Default path of the label maps next to the probability maps: `y.tif` → `y-labels.tif`. */
export function defaultLabelsPath(out: string): string {
  const ext = extname(out);
  return join(dirname(out), `${basename(out, ext)}-labels${ext || '.tif'}`);
}

/**
 * Predicts every slice of a TIFF stack. Probabilities: for two classes one float32 page per slice
 * holding P(class 1) (cell); for more classes, `classes` pages per slice (slice-major). Labels: one
 * 8-bit page per slice, class × 255/(classes − 1), i.e. 0 = membrane and 255 = cell for two classes
 * like the ISBI labels.
 */
export async function predictFiles(o: PredictFilesOptions): Promise<PredictFilesResult> {
  await initNodeBackend(o.backend ?? 'wasm');
  const read = await readStack(o.images, 'image');
  const dirs = resolveModelDirs(o.model);
  const loaded: LoadedModel[] = [];
  try {
    for (const d of dirs) loaded.push(await loadModelDir(d));
    const { width, height, count } = read;
    const plane = width * height;
    // Each model sees the images as its training did (preprocess.json); members usually agree.
    const inputs = new Map<string, Float32Array>();
    const inputOf = (p: ModelPreprocess): Float32Array => {
      const key = JSON.stringify(p);
      let data = inputs.get(key);
      if (!data) {
        data = modelInput(read, p).data;
        inputs.set(key, data);
      }
      return data;
    };
    const probPages: { width: number; height: number; data: Float32Array }[] = [];
    const labelPages: { width: number; height: number; data: Uint8Array }[] = [];
    let classes = 2;
    for (let s = 0; s < count; s++) {
      let mean: Float32Array | null = null;
      for (const m of loaded) {
        // Default tile: predictTiled's choice (the model's own input size for 'valid', 256 for 'same').
        const tileSize = o.tileSize ?? m.state?.config.validationTileSize ?? undefined;
        const r = await predictTiled(
          m.model,
          channelSlice(inputOf(m.preprocess), s, plane, inputChannels(m.preprocess)),
          width,
          height,
          {
            ...(tileSize !== undefined ? { tileSize } : {}),
            batchSize: o.batchSize ?? 4,
            tta: o.tta ?? false,
          },
        );
        if (mean && mean.length !== r.probabilities.length)
          throw new CheckpointError(`the models in ${o.model} predict different numbers of classes`);
        mean ??= new Float32Array(r.probabilities.length);
        for (let i = 0; i < mean.length; i++) mean[i]! += r.probabilities[i]! / loaded.length;
      }
      const p = mean!;
      classes = p.length / plane;
      const scale = 255 / (classes - 1);
      const lab = argmaxLabels(p, classes).map((c) => Math.round(c * scale));
      labelPages.push({ width, height, data: lab });
      const channels = classes === 2 ? [1] : Array.from({ length: classes }, (_, c) => c);
      for (const c of channels) {
        const page = new Float32Array(plane);
        for (let i = 0; i < plane; i++) page[i] = p[i * classes + c]!;
        probPages.push({ width, height, data: page });
      }
      o.onSlice?.(s + 1, count);
    }
    const labelsPath = o.labelsOut ?? defaultLabelsPath(o.out);
    await writeTiffFile(o.out, probPages, { compression: 'deflate' });
    await writeTiffFile(labelsPath, labelPages, { compression: 'deflate' });
    return {
      probabilities: o.out,
      labels: labelsPath,
      count,
      width,
      height,
      classes,
      modelDir: loaded.map((m) => m.dir).join(', '),
      modelDirs: loaded.map((m) => m.dir),
    };
  } finally {
    for (const m of loaded) m.model.dispose();
  }
}
