// Checkpoints: the model in tfjs format (model.json + weights.bin), the Adam state (optimizer.bin)
// and the run state (state.json: epoch, step, RNG/seed position, history, options). Storage goes
// through `CheckpointStore` so the core stays isomorphic: memory here, files in src/node, a
// Puppeteer bridge in the browser.
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { CheckpointError } from './errors.js';

/** The files of one checkpoint, by file name. Strings are stored as UTF-8. */
export type CheckpointFiles = Record<string, Uint8Array | string>;

/** Where checkpoints live. `name` is e.g. 'last' or 'best'; a save replaces the whole checkpoint. */
export interface CheckpointStore {
  /** Writes all files of checkpoint `name`, replacing any previous one (atomically where possible). */
  save(name: string, files: CheckpointFiles): Promise<void>;
  /** Reads all files of checkpoint `name`; throws `CheckpointError` when it does not exist. */
  load(name: string): Promise<Record<string, Uint8Array>>;
  /** Whether checkpoint `name` exists and is complete. */
  exists(name: string): Promise<boolean>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of a file value. */
export function fileBytes(v: Uint8Array | string): Uint8Array {
  return typeof v === 'string' ? encoder.encode(v) : v;
}

/** Decodes a JSON file of a loaded checkpoint. */
export function readJsonFile<T>(files: Record<string, Uint8Array>, name: string): T {
  const bytes = files[name];
  if (!bytes) throw new CheckpointError(`checkpoint is missing ${name}`);
  try {
    return JSON.parse(decoder.decode(bytes)) as T;
  } catch (e) {
    throw new CheckpointError(`checkpoint file ${name} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Keeps checkpoints in memory (the default store when none is given). Copies on save and load. */
export class MemoryCheckpointStore implements CheckpointStore {
  private readonly entries = new Map<string, Record<string, Uint8Array>>();

  async save(name: string, files: CheckpointFiles): Promise<void> {
    const copy: Record<string, Uint8Array> = {};
    for (const [k, v] of Object.entries(files)) copy[k] = fileBytes(v).slice();
    this.entries.set(name, copy);
  }

  async load(name: string): Promise<Record<string, Uint8Array>> {
    const e = this.entries.get(name);
    if (!e) throw new CheckpointError(`no checkpoint named '${name}'`);
    const copy: Record<string, Uint8Array> = {};
    for (const [k, v] of Object.entries(e)) copy[k] = v.slice();
    return copy;
  }

  async exists(name: string): Promise<boolean> {
    return this.entries.has(name);
  }
}

function joinWeightData(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  return tf.io.CompositeArrayBuffer.join(data);
}

function toArrayBuffer(u: Uint8Array): ArrayBuffer {
  return u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;
}

/** Serialises a model to `model.json` + `weights.bin` in the standard tfjs layers format. */
export async function modelToFiles(
  model: LayersModel,
): Promise<{ 'model.json': string; 'weights.bin': Uint8Array }> {
  let result: { 'model.json': string; 'weights.bin': Uint8Array } | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = new Uint8Array(joinWeightData(artifacts.weightData));
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_core}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.userDefinedMetadata) json.userDefinedMetadata = artifacts.userDefinedMetadata;
      result = { 'model.json': JSON.stringify(json), 'weights.bin': weights };
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: weights.byteLength,
        },
      };
    }),
  );
  if (!result) throw new CheckpointError('model.save did not produce artifacts');
  return result;
}

/** tfjs `ModelArtifacts` from checkpoint files (for `tf.loadLayersModel(tf.io.fromMemory(...))`). */
export function filesToArtifacts(files: Record<string, Uint8Array>): tf.io.ModelArtifacts {
  const json = readJsonFile<tf.io.ModelJSON>(files, 'model.json');
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const group of json.weightsManifest ?? []) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const bytes = files[p];
      if (!bytes) throw new CheckpointError(`checkpoint is missing weight file ${p}`);
      buffers.push(bytes);
    }
  }
  const total = buffers.reduce((s, b) => s + b.byteLength, 0);
  const weightData = new Uint8Array(total);
  let off = 0;
  for (const b of buffers) {
    weightData.set(b, off);
    off += b.byteLength;
  }
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    weightSpecs: specs,
    weightData: weightData.buffer,
    userDefinedMetadata: json.userDefinedMetadata,
  };
}

/**
 * Loads the weights of checkpoint files into an already built model of the same architecture, by
 * position (layer names differ between builds in one process). Shapes are checked.
 */
export function loadWeightsInto(model: LayersModel, files: Record<string, Uint8Array>): void {
  const art = filesToArtifacts(files);
  const specs = art.weightSpecs ?? [];
  const weights = model.weights;
  if (specs.length !== weights.length) {
    throw new CheckpointError(
      `checkpoint has ${specs.length} weight tensors, the model has ${weights.length}`,
    );
  }
  const named = tf.io.decodeWeights(art.weightData as ArrayBuffer, specs);
  const tensors = specs.map((s) => named[s.name]!);
  try {
    weights.forEach((w, i) => {
      const a = w.shape.join('x');
      const b = tensors[i]!.shape.join('x');
      if (a !== b)
        throw new CheckpointError(
          `weight ${i} (${w.originalName}) has shape ${a} in the model, ${b} in the checkpoint`,
        );
    });
    model.setWeights(tensors);
  } finally {
    tf.dispose(tensors);
  }
}

/** Adam state as saved: moments (by position), the iteration count and the exact bias powers. */
export interface OptimizerState {
  specs: tf.io.WeightsManifestEntry[];
  accBeta1: number;
  accBeta2: number;
}

interface AdamInternals {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

/** Encodes Adam's moments and iteration count (`optimizer.bin`) and its bias-correction powers. */
export async function optimizerToFiles(
  opt: tf.AdamOptimizer,
): Promise<{ bytes: Uint8Array; state: OptimizerState }> {
  const named = await opt.getWeights();
  try {
    const { data, specs } = await tf.io.encodeWeights(named);
    const internals = opt as unknown as AdamInternals;
    // The powers are saved exactly: setWeights would recompute them with pow(), which can differ in
    // the last bit from the running product and break bit-exact resume.
    const accBeta1 = (await internals.accBeta1.data())[0]!;
    const accBeta2 = (await internals.accBeta2.data())[0]!;
    return { bytes: new Uint8Array(data), state: { specs, accBeta1, accBeta2 } };
  } finally {
    // getWeights() creates a fresh iteration scalar; the moments are the optimizer's own variables.
    for (const n of named) if (n.name === 'iter') n.tensor.dispose();
  }
}

/** Restores Adam state saved by `optimizerToFiles` into a fresh optimizer. */
export async function loadOptimizerState(
  opt: tf.AdamOptimizer,
  bytes: Uint8Array,
  state: OptimizerState,
): Promise<void> {
  const map = tf.io.decodeWeights(toArrayBuffer(bytes), state.specs);
  const named = state.specs.map((s) => ({ name: s.name, tensor: map[s.name]! }));
  try {
    await opt.setWeights(named);
  } finally {
    // setWeights copies the moments into new variables.
    tf.dispose(named.map((n) => n.tensor));
  }
  const internals = opt as unknown as AdamInternals;
  tf.tidy(() => {
    internals.accBeta1.assign(tf.scalar(state.accBeta1));
    internals.accBeta2.assign(tf.scalar(state.accBeta2));
  });
}
