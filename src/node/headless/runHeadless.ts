// `unet-wasm train-headless`: the same flags as `train`, but the very same trainUNet runs in
// headless Chromium on tfjs's WebGL (default) or WebGPU backend, with checkpoints on disk.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type {
  HeadlessData,
  HeadlessTrainOptions,
  HeadlessTrainResponse,
} from '../../browser/headlessPage.js';
import type { GpuInfo } from '../../browser/gpuInfo.js';
import type { BackendName } from '../../backend/index.js';
import { formatEpoch, formatProgress, TrainConfigError } from '../../train/index.js';
import type { BatchInfo, EpochRecord } from '../../train/index.js';
import { parseTrainArgs } from '../args.js';
import type { TrainArgs } from '../args.js';
import type { CliIO } from '../cli.js';
import { SYNTHETIC_DEFAULTS } from '../syntheticDefaults.js';
import { trainOptionsFromArgs } from '../trainOptionsFromArgs.js';
import { ProgressLine } from '../progressLine.js';
import { HeadlessError, HeadlessSession } from './session.js';
import type { HeadlessSessionOptions } from './session.js';

export interface RunHeadlessOptions extends Omit<HeadlessSessionOptions, 'images' | 'labels'> {
  /** Paths of the image and label TIFF stacks; both or neither (then `data` must say what to train on). */
  images?: string;
  labels?: string;
  /** Data generated in the page instead of files, e.g. the synthetic EM dataset. */
  data?: HeadlessData;
  /** Trainer options (serialisable `TrainOptions`). */
  train: HeadlessTrainOptions;
  /** Default 'webgl'. */
  backend?: BackendName;
  /**
   * Backend to train on when `backend` is unavailable in the browser (e.g. 'webgpu' without an
   * adapter); the switch is announced through `info`. Default: none, an unavailable backend is an
   * error. Never chosen silently.
   */
  fallbackBackend?: BackendName;
  /** Prints the renderer line and warnings. Default: ignored. */
  info?: (line: string) => void;
  /** Aborting stops training after the current step (a checkpoint is saved), then closes the browser. */
  signal?: AbortSignal;
}

export interface HeadlessRunResult {
  result: HeadlessTrainResponse;
  gpu: GpuInfo;
}

/** One line describing the page's GPU, and a loud warning when it renders in software. */
export function describeGpu(gpu: GpuInfo, backend: BackendName): string[] {
  // The adapter when there is one; why not, when the user asked for WebGPU.
  const webgpu = gpu.webgpuAdapter
    ? `; WebGPU adapter: ${gpu.webgpuAdapter}`
    : backend === 'webgpu'
      ? `; ${gpu.webgpuUnavailable ?? 'WebGPU unavailable'}`
      : '';
  const lines = [
    `GPU (WebGL UNMASKED_RENDERER_WEBGL): ${gpu.webglRenderer ?? 'no WebGL'}` +
      webgpu +
      `; cross-origin isolated: ${gpu.crossOriginIsolated ? 'yes' : 'no'}`,
  ];
  const software =
    (backend === 'webgl' && gpu.software) ||
    (backend === 'webgpu' && gpu.webgpuAdapter !== null && (gpu.webgpuSoftware ?? gpu.software));
  if (software) {
    lines.push(
      '!!! WARNING: the browser renders with SwiftShader, i.e. in SOFTWARE on the CPU. Training on ' +
        `'${backend}' will be very slow (a base-16 depth-4 step at 128x128 takes ~25 s here, ~1 s on ` +
        "'wasm'). Use a machine with a GPU, or train in Node with --backend wasm. !!!",
    );
  }
  return lines;
}

/**
 * The backend to train on, given what the page reported: `backend` when usable, else
 * `fallbackBackend` (announced through `info`), else a HeadlessError saying why.
 */
export function chooseHeadlessBackend(
  gpu: GpuInfo,
  backend: BackendName,
  fallbackBackend: BackendName | undefined,
  info: (line: string) => void = () => {},
): BackendName {
  if (backend !== 'webgpu' || gpu.webgpuAdapter !== null) return backend;
  const why = gpu.webgpuUnavailable ?? 'WebGPU unavailable: the page found no WebGPU adapter';
  if (fallbackBackend && fallbackBackend !== 'webgpu') {
    info(`${why}. Falling back to '${fallbackBackend}' as asked (--fallback-backend ${fallbackBackend}).`);
    return fallbackBackend;
  }
  throw new HeadlessError(
    `${why}. Train with --backend webgl (or wasm), or add --fallback-backend webgl to fall back when WebGPU is missing.`,
  );
}

function readBytes(path: string, what: string): Uint8Array {
  if (!existsSync(path)) throw new TrainConfigError(`${what} file not found: ${path}`);
  if (!statSync(path).isFile()) throw new TrainConfigError(`${what} path is not a file: ${path}`);
  return new Uint8Array(readFileSync(path));
}

/**
 * Trains in headless Chromium. Resolves with the page's result once training ends (or stops on
 * `signal`); the browser is always closed. Checkpoints are in `outDir` as the run goes.
 */
export async function runHeadless(options: RunHeadlessOptions): Promise<HeadlessRunResult> {
  const { images, labels, data, train, signal, info, fallbackBackend, ...rest } = options;
  const backend = options.backend ?? 'webgl';
  if ((images === undefined) !== (labels === undefined)) {
    throw new TrainConfigError('runHeadless needs both images and labels, or neither');
  }
  if (!images && !data) throw new TrainConfigError('runHeadless needs images and labels, or data');
  const session = await HeadlessSession.open({
    ...rest,
    ...(images && labels ? { images: readBytes(images, 'image'), labels: readBytes(labels, 'label') } : {}),
  });
  const onAbort = (): void => {
    session.abort().catch(() => session.close());
  };
  try {
    for (const l of describeGpu(session.gpu, backend)) info?.(l);
    const use = chooseHeadlessBackend(session.gpu, backend, fallbackBackend, info);
    if (use !== backend) for (const l of describeGpu(session.gpu, use).slice(1)) info?.(l);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    const result = await session.train({
      options: train,
      backend: use,
      ...(fallbackBackend && use === backend ? { fallbackBackend } : {}),
      ...(data ? { data } : {}),
    });
    if (result.fallback) {
      info?.(`${result.fallback.reason}; trained on '${result.backend}' instead (--fallback-backend).`);
    }
    return { result, gpu: session.gpu };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await session.close();
  }
}

/** Trainer options from `train` flags, as the Node CLI maps them (minus backend and directory). */
export const headlessTrainOptions: (a: TrainArgs, synthetic: boolean) => HeadlessTrainOptions =
  trainOptionsFromArgs;

const FALLBACK_FLAG = '--fallback-backend';
const BACKEND_NAMES: readonly BackendName[] = ['wasm', 'webgl', 'webgpu', 'cpu'];

/**
 * Removes `--fallback-backend <name>` (or `=name`), which only `train-headless` has, from `argv`
 * before the shared `train` parser sees it.
 */
export function takeFallbackFlag(argv: string[]): { argv: string[]; fallbackBackend?: BackendName } {
  const rest: string[] = [];
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i]!;
    if (s === FALLBACK_FLAG) {
      value = argv[++i];
      if (value === undefined)
        throw new TrainConfigError(`${FALLBACK_FLAG} needs a value: wasm, webgl or cpu`);
    } else if (s.startsWith(`${FALLBACK_FLAG}=`)) {
      value = s.slice(FALLBACK_FLAG.length + 1);
    } else rest.push(s);
  }
  if (value === undefined) return { argv: rest };
  if (!BACKEND_NAMES.includes(value as BackendName)) {
    throw new TrainConfigError(`${FALLBACK_FLAG} must be one of ${BACKEND_NAMES.join(', ')}, got '${value}'`);
  }
  return { argv: rest, fallbackBackend: value as BackendName };
}

/**
 * The `train-headless` command: `train`'s flags, `--backend` defaulting to 'webgl', plus
 * `--fallback-backend <name>`: train on that backend when `--backend` is unavailable in the browser
 * (e.g. webgpu without an adapter). Without it an unavailable backend is an error. Resolves to
 * the exit code (130 when stopped by Ctrl-C through `io.signal`); errors propagate to the CLI.
 */
export async function trainHeadlessCommand(argvIn: string[], io: CliIO): Promise<number> {
  const { argv, fallbackBackend } = takeFallbackFlag(argvIn);
  const a = parseTrainArgs(argv);
  const backend: BackendName = argv.some((s) => s === '--backend' || s.startsWith('--backend='))
    ? a.backend
    : 'webgl';
  const synthetic = !a.images;
  const d = SYNTHETIC_DEFAULTS;
  const data: HeadlessData | undefined = synthetic
    ? { kind: 'synthetic', count: d.count, width: d.size, height: d.size, seed: a.seed }
    : undefined;
  if (synthetic) {
    io.stdout.write(
      `No --images given: training on the embedded synthetic EM dataset (${d.count} slices of ${d.size}x${d.size}, seed ${a.seed}).\n`,
    );
  }
  const progress = new ProgressLine(io.stdout);
  let last: EpochRecord | undefined;
  const epochs = a.epochs ?? (synthetic ? d.epochs : 10);
  io.stdout.write(`Starting headless Chromium (backend '${backend}')…\n`);
  const { result } = await runHeadless({
    outDir: a.out,
    ...(a.images && a.labels ? { images: a.images, labels: a.labels } : {}),
    ...(data ? { data } : {}),
    train: headlessTrainOptions(a, synthetic),
    backend,
    ...(fallbackBackend ? { fallbackBackend } : {}),
    ...(io.signal ? { signal: io.signal } : {}),
    info: (l) => io.stdout.write(`${l}\n`),
    log: (l) => io.stderr.write(`${l}\n`),
    onProgress: (info: BatchInfo) => {
      if (!a.quiet) progress.update(formatProgress(info, last, last?.validationSeconds ?? 0));
    },
    onEpoch: (record) => {
      last = record;
      progress.line(formatEpoch(record, Math.max(epochs, record.epoch + 1)));
    },
  });
  progress.done();
  if (result.resumedFrom) {
    io.stdout.write(
      `Resumed from ${join(a.out, 'last')} at epoch ${result.resumedFrom.epoch + 1}, step ${result.resumedFrom.step + 1}.\n`,
    );
  }
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
        `(majority-class baseline ${(result.majorityBaseline * 100).toFixed(2)} %), mean IoU ${v.meanIoU.toFixed(4)}\n`,
    );
  }
  io.stdout.write(
    `Model: ${resolve(join(a.out, result.bestEpoch >= 0 ? 'best' : 'last'))} (tfjs model.json + weights.bin; trained on '${result.backend}' in Chromium)\n`,
  );
  return 0;
}
