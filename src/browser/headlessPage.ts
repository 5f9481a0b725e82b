// The page side of headless training: the API that the Node launcher (src/node/headless) drives
// through Puppeteer. Data comes in as TIFF bytes fetched from the local server (or is generated
// here), progress and checkpoints go out through functions that Puppeteer exposes on `window`.
import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import { BackendError, initBackend } from '../backend/index.js';
import type { BackendName } from '../backend/index.js';
import { syntheticEM } from '../data/index.js';
import { predictTiled } from '../infer/index.js';
import { SeededDropout } from '../model/index.js';
import { decodeTiff, tiffToStack } from '../tiff/index.js';
import { filesToArtifacts, trainUNet } from '../train/index.js';
import type { BatchInfo, EpochRecord, StackInput, TrainOptions, TrainResult } from '../train/index.js';
import { base64ToFloats, floatsToBase64, bytesToBase64 } from './base64.js';
import { BridgeCheckpointStore } from './bridgeCheckpointStore.js';
import { gpuInfo } from './gpuInfo.js';
import type { GpuInfo } from './gpuInfo.js';

// Keeps the custom dropout layer registered for model loading.
void SeededDropout;

/** Functions the Node side exposes on `window` (Puppeteer `page.exposeFunction`). */
export interface HeadlessHost {
  unetHostProgress(info: BatchInfo): Promise<void>;
  unetHostEpoch(record: EpochRecord): Promise<void>;
  unetHostSave(name: string, files: Record<string, string>): Promise<void>;
  unetHostLoad(name: string): Promise<Record<string, string> | null>;
  /** The end of a run started with `start`. */
  unetHostDone(result: HeadlessTrainResponse): Promise<void>;
  unetHostFail(error: { name: string; message: string; stack?: string }): Promise<void>;
}

/** Where the training stacks come from. */
export type HeadlessData =
  | { kind: 'tiff'; images: string; labels: string }
  | { kind: 'synthetic'; count: number; width: number; height: number; seed: number };

/** The serialisable part of `TrainOptions` (everything but data, store, signal and callbacks). */
export type HeadlessTrainOptions = Omit<
  TrainOptions,
  'images' | 'labels' | 'width' | 'height' | 'checkpoint' | 'signal' | 'onBatchEnd' | 'onEpochEnd' | 'backend'
>;

export interface HeadlessTrainRequest {
  data: HeadlessData;
  options: HeadlessTrainOptions;
  backend: BackendName;
  /**
   * Backend to train on when `backend` cannot be initialised (e.g. 'webgpu' without an adapter).
   * Only when the user asked for it; default: none, the run fails with the BackendError.
   */
  fallbackBackend?: BackendName;
}

/** What `train` resolves to (the model stays in the page; it is on disk as checkpoints). */
export type HeadlessTrainResponse = Omit<TrainResult, 'model'> & {
  backend: string;
  tensorsAfter: number;
  /** Set when the run fell back from the requested backend: which, and why. */
  fallback?: { from: BackendName; reason: string };
};

export interface HeadlessPredictRequest {
  /** Checkpoint name in the host's store ('best' or 'last'). */
  checkpoint: string;
  /** Normalised image, float32 bytes as base64. */
  image: string;
  width: number;
  height: number;
  tileSize?: number;
  backend: BackendName;
}

/** The API the page puts on `window.unetHeadless`. */
export interface HeadlessPageApi {
  gpuInfo(): Promise<GpuInfo>;
  train(req: HeadlessTrainRequest): Promise<HeadlessTrainResponse>;
  /**
   * Starts `train` and returns at once; the outcome arrives through `unetHostDone` or
   * `unetHostFail`, so no DevTools call has to stay open for the length of a run.
   */
  start(req: HeadlessTrainRequest): void;
  /** Stops training after the current step; a 'last' checkpoint is written. */
  abort(): void;
  predict(req: HeadlessPredictRequest): Promise<{ probabilities: string; labels: string }>;
}

async function loadData(d: HeadlessData): Promise<{ images: StackInput; labels: StackInput }> {
  if (d.kind === 'synthetic') {
    const s = syntheticEM({ count: d.count, width: d.width, height: d.height, seed: d.seed });
    const shape = { width: s.width, height: s.height, count: s.count };
    return { images: { data: s.images, ...shape }, labels: { data: s.labels, ...shape } };
  }
  const read = async (url: string): Promise<StackInput> => {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`could not fetch ${url}: HTTP ${res.status}`);
    return tiffToStack(decodeTiff(new Uint8Array(await res.arrayBuffer()))) as StackInput;
  };
  return { images: await read(d.images), labels: await read(d.labels) };
}

/** Builds the page API on top of the host functions in `scope` (normally `window`). */
export function createHeadlessPageApi(scope: HeadlessHost): HeadlessPageApi {
  let controller: AbortController | null = null;
  const store = new BridgeCheckpointStore({
    save: (name, files) => scope.unetHostSave(name, files),
    load: (name) => scope.unetHostLoad(name),
  });
  const api: HeadlessPageApi = {
    gpuInfo,
    start(req) {
      api.train(req).then(
        (r) => scope.unetHostDone(r),
        (e: unknown) => {
          const err = e instanceof Error ? e : new Error(String(e));
          return scope.unetHostFail({
            name: err.name,
            message: err.message,
            ...(err.stack ? { stack: err.stack } : {}),
          });
        },
      );
    },
    abort() {
      controller?.abort();
    },
    async train(req) {
      let backend: string;
      let fallback: HeadlessTrainResponse['fallback'];
      try {
        backend = await initBackend(req.backend);
      } catch (e) {
        if (!(e instanceof BackendError) || !req.fallbackBackend) throw e;
        // Loud: the host logs page warnings, and the response says so too.
        console.warn(`${e.message}; falling back to '${req.fallbackBackend}' as asked`);
        fallback = { from: req.backend, reason: e.message };
        backend = await initBackend(req.fallbackBackend);
      }
      const { images, labels } = await loadData(req.data);
      controller = new AbortController();
      const { model, ...rest } = await trainUNet({
        ...req.options,
        images,
        labels,
        checkpoint: store,
        signal: controller.signal,
        // Awaiting the host keeps progress in order and applies back-pressure.
        onBatchEnd: (info) => scope.unetHostProgress(info),
        onEpochEnd: (record) => scope.unetHostEpoch(record),
      });
      model.dispose();
      controller = null;
      return { ...rest, backend, tensorsAfter: tf.memory().numTensors, ...(fallback ? { fallback } : {}) };
    },
    async predict(req) {
      await initBackend(req.backend);
      const files = await store.load(req.checkpoint);
      const model = await loadLayersModel(tf.io.fromMemory(filesToArtifacts(files)));
      try {
        const image = base64ToFloats(req.image);
        const r = await predictTiled(model, image, req.width, req.height, {
          ...(req.tileSize ? { tileSize: req.tileSize } : {}),
        });
        return { probabilities: floatsToBase64(r.probabilities), labels: bytesToBase64(r.labels) };
      } finally {
        model.dispose();
      }
    },
  };
  return api;
}
