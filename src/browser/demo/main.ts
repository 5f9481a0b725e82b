// The demo page: drop a TIFF stack and its labels (or take the synthetic EM data), train a few
// epochs in the tab, watch the loss curve, and see the prediction of a validation slice overlaid
// on the image after every epoch.
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel } from '@tensorflow/tfjs-layers';
import type { BackendName } from '../../backend/index.js';
import { initBackend } from '../../backend/index.js';
import { syntheticEM } from '../../data/index.js';
import { predictTiled } from '../../infer/index.js';
import { SeededDropout } from '../../model/index.js';
import { decodeTiff, tiffToStack } from '../../tiff/index.js';
import {
  filesToArtifacts,
  MemoryCheckpointStore,
  prepareImages,
  prepareLabels,
  splitSlices,
  trainUNet,
} from '../../train/index.js';
import type { EpochRecord, StackInput } from '../../train/index.js';
import { gpuInfo } from '../gpuInfo.js';
import { drawLossPlot } from './lossPlot.js';
import { drawOverlay } from './overlay.js';

void SeededDropout;
setWasmPaths(new URL('./', import.meta.url).href);

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

interface DemoState {
  images: StackInput | null;
  labels: StackInput | null;
  stepLosses: number[];
  history: EpochRecord[];
  stepsPerEpoch: number;
  controller: AbortController | null;
}

const state: DemoState = {
  images: null,
  labels: null,
  stepLosses: [],
  history: [],
  stepsPerEpoch: 1,
  controller: null,
};

/** Exposed for the headless check (and the curious): the page's live state. */
(globalThis as unknown as { unetDemo: unknown }).unetDemo = { state };

function status(text: string): void {
  $('status').textContent = text;
}

function num(id: string): number {
  return Number(($(id) as HTMLInputElement).value);
}

function updateReady(): void {
  const ok =
    state.images !== null &&
    state.labels !== null &&
    state.images.width === state.labels.width &&
    state.images.height === state.labels.height &&
    state.images.count === state.labels.count;
  ($('train') as HTMLButtonElement).disabled = !ok || state.controller !== null;
  if (state.images && state.labels && !ok) {
    status(
      `The stacks do not match: images ${state.images.count}×${state.images.width}×${state.images.height}, ` +
        `labels ${state.labels.count}×${state.labels.width}×${state.labels.height}.`,
    );
  }
}

async function readStackFile(file: File): Promise<StackInput> {
  const pages = decodeTiff(new Uint8Array(await file.arrayBuffer()));
  return tiffToStack(pages) as StackInput;
}

function setupDrop(which: 'images' | 'labels'): void {
  const zone = $(`drop-${which}`);
  const input = $(`file-${which}`) as HTMLInputElement;
  const info = $(`${which}-info`);
  const load = async (file: File | undefined): Promise<void> => {
    if (!file) return;
    info.textContent = `reading ${file.name}…`;
    try {
      const stack = await readStackFile(file);
      state[which] = stack;
      info.textContent = `${file.name}: ${stack.count} slices of ${stack.width}×${stack.height}`;
      zone.classList.add('ok');
    } catch (e) {
      state[which] = null;
      zone.classList.remove('ok');
      info.textContent = `${file.name}: ${(e as Error).message}`;
    }
    updateReady();
  };
  zone.addEventListener('click', () => input.click());
  input.addEventListener('change', () => void load(input.files?.[0]));
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    void load(e.dataTransfer?.files?.[0]);
  });
}

function useSynthetic(): void {
  const s = syntheticEM({ count: 8, width: 128, height: 128, seed: 1 });
  const shape = { width: s.width, height: s.height, count: s.count };
  state.images = { data: s.images, ...shape };
  state.labels = { data: s.labels, ...shape };
  $('images-info').textContent = `synthetic EM: ${s.count} slices of ${s.width}×${s.height}`;
  $('labels-info').textContent = 'synthetic EM labels (255 = cell, 0 = membrane)';
  $('drop-images').classList.add('ok');
  $('drop-labels').classList.add('ok');
  updateReady();
}

function redrawLoss(): void {
  drawLossPlot($('loss') as HTMLCanvasElement, state.stepLosses, state.history, state.stepsPerEpoch);
}

async function showPrediction(
  store: MemoryCheckpointStore,
  slice: number,
  norm: Float32Array,
  truth: Uint8Array,
  epoch: number,
): Promise<void> {
  const { width, height } = state.images!;
  const plane = width * height;
  const files = await store.load('last');
  const model = await loadLayersModel(tf.io.fromMemory(filesToArtifacts(files)));
  try {
    const r = await predictTiled(model, norm.subarray(slice * plane, (slice + 1) * plane), width, height);
    const raw = state.images!.data.subarray(slice * plane, (slice + 1) * plane);
    const t = truth.subarray(slice * plane, (slice + 1) * plane);
    let correct = 0;
    for (let i = 0; i < plane; i++) if (r.labels[i] === t[i]) correct++;
    drawOverlay($('overlay') as HTMLCanvasElement, raw, r.labels, t, width, height);
    $('overlay-info').textContent =
      `slice ${slice} (validation), after epoch ${epoch + 1}: pixel accuracy ${((100 * correct) / plane).toFixed(1)} %`;
  } finally {
    model.dispose();
  }
}

async function train(): Promise<void> {
  const images = state.images!;
  const labels = state.labels!;
  const backend = ($('backend') as HTMLSelectElement).value as BackendName;
  const epochs = num('epochs');
  state.stepsPerEpoch = num('steps');
  state.stepLosses = [];
  state.history = [];
  state.controller = new AbortController();
  ($('train') as HTMLButtonElement).disabled = true;
  ($('stop') as HTMLButtonElement).disabled = false;
  const store = new MemoryCheckpointStore();
  const validation = images.count >= 2 ? 0.15 : 0;
  const split = splitSlices(images.count, validation);
  const shown = split.validation[0] ?? 0;
  const norm = prepareImages(images.data, images.width, images.height, images.count);
  const truth = prepareLabels(labels.data, 2);
  const t0 = performance.now();
  try {
    status(`Initialising '${backend}'…`);
    await initBackend(backend);
    const result = await trainUNet({
      images,
      labels,
      epochs,
      stepsPerEpoch: state.stepsPerEpoch,
      batchSize: num('batch'),
      tileSize: num('tile'),
      validation,
      augment: ($('augment') as HTMLInputElement).checked ? {} : false,
      model: { depth: num('depth'), baseFilters: num('filters') },
      checkpoint: store,
      signal: state.controller.signal,
      onBatchEnd: async (info) => {
        state.stepLosses.push(info.loss);
        redrawLoss();
        status(
          `epoch ${info.epoch + 1}/${info.epochs}  step ${info.step + 1}/${info.stepsPerEpoch}  ` +
            `loss ${info.loss.toFixed(4)}  ${Math.round(info.stepMs)} ms/step  on '${tf.getBackend()}'`,
        );
        // Let the page paint between steps.
        await new Promise((r) => setTimeout(r, 0));
      },
      onEpochEnd: async (record, history) => {
        state.history = [...history];
        redrawLoss();
        await showPrediction(store, shown, norm, truth, record.epoch);
      },
    });
    result.model.dispose();
    const v = result.history.at(-1)?.validation;
    status(
      `${result.aborted ? 'Stopped' : 'Done'} after ${result.history.length} epoch(s) in ` +
        `${((performance.now() - t0) / 1000).toFixed(1)} s on '${tf.getBackend()}'` +
        (v
          ? `: validation pixel accuracy ${(v.pixelAccuracy * 100).toFixed(1)} %, mean IoU ${v.meanIoU.toFixed(3)} ` +
            `(majority baseline ${(result.majorityBaseline * 100).toFixed(1)} %)`
          : '.'),
    );
    document.body.dataset['done'] = 'true';
  } catch (e) {
    status(`Error: ${(e as Error).message}`);
    document.body.dataset['done'] = 'error';
  } finally {
    state.controller = null;
    ($('stop') as HTMLButtonElement).disabled = true;
    updateReady();
  }
}

async function init(): Promise<void> {
  setupDrop('images');
  setupDrop('labels');
  $('synthetic').addEventListener('click', useSynthetic);
  $('train').addEventListener('click', () => void train());
  $('stop').addEventListener('click', () => state.controller?.abort());
  const gpu = await gpuInfo();
  const select = $('backend') as HTMLSelectElement;
  const backends: BackendName[] = gpu.webgl2 ? ['webgl', 'wasm', 'cpu'] : ['wasm', 'cpu'];
  // In software rendering WebGL is far slower than WASM: offer WASM first.
  if (gpu.software) backends.sort((a) => (a === 'wasm' ? -1 : 0));
  for (const b of backends) select.add(new Option(b, b));
  const g = $('gpu');
  g.textContent = `GPU: ${gpu.webglRenderer ?? 'no WebGL'}${gpu.crossOriginIsolated ? '' : ' (page not cross-origin isolated: tfjs-wasm runs single-threaded)'}`;
  if (gpu.software) {
    g.textContent += ' — software rendering (SwiftShader): WebGL training will be slow, WASM is preselected.';
    g.classList.add('warn');
  }
  redrawLoss();
  document.body.dataset['ready'] = 'true';
}

void init();
