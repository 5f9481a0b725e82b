// A headless training session: the local server, Chromium, and the page that runs the library.
// Data goes in as TIFF bytes served from memory; progress and checkpoints come out through
// Puppeteer-exposed functions and land in a FileCheckpointStore, i.e. the same on-disk layout as
// the Node trainer (`<out>/last`, `<out>/best`), so `resume` and `predict` work across the two.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'puppeteer';
import type { BackendName } from '../../backend/index.js';
import type { GpuInfo } from '../../browser/gpuInfo.js';
import type {
  HeadlessData,
  HeadlessPageApi,
  HeadlessTrainOptions,
  HeadlessTrainResponse,
} from '../../browser/headlessPage.js';
import type { BatchInfo, EpochRecord } from '../../train/index.js';
import { FileCheckpointStore } from '../fileCheckpointStore.js';
import { launchChromium } from './chromium.js';
import type { LaunchOptions, LaunchedChromium } from './chromium.js';
import { startStaticServer } from './server.js';
import type { Route, StaticServer } from './server.js';

/** The page crashed or closed, the browser exited, or the page could not load. */
export class HeadlessError extends Error {
  override name = 'HeadlessError';
}

export interface HeadlessSessionOptions extends LaunchOptions {
  /** Checkpoint directory (`last/`, `best/`), as for the Node trainer. */
  outDir: string;
  /** Where the browser bundles are (headless.js and the tfjs .wasm files). Default: dist/browser. */
  assetsDir?: string;
  /** TIFF bytes of the image and label stacks, if training on files. */
  images?: Uint8Array;
  labels?: Uint8Array;
  /** Called after every training step in the page. */
  onProgress?: (info: BatchInfo) => void;
  /** Called after every epoch in the page. */
  onEpoch?: (record: EpochRecord) => void;
  /** Page warnings and errors. Default: ignored. */
  log?: (line: string) => void;
  /** How long the page may take to load, ms. Default 120 000. */
  loadTimeoutMs?: number;
}

/** What a session trains: the serialisable trainer options, the backend, and the data. */
export interface HeadlessTrainSpec {
  options: HeadlessTrainOptions;
  backend: BackendName;
  /** Train on this backend if `backend` cannot be initialised in the page. Default: none (fail). */
  fallbackBackend?: BackendName;
  /** Default: the TIFF stacks given to the session. */
  data?: HeadlessData;
  /** Progress of this run; default: the session's `onProgress`. */
  onProgress?: (info: BatchInfo) => void;
}

/**
 * The default location of the browser bundles: dist/browser next to dist/node (or, when running
 * from the TypeScript sources, the repository's dist/browser).
 */
export function defaultAssetsDir(): string {
  const candidates = ['../../browser/', '../../../dist/browser/'].map((p) =>
    fileURLToPath(new URL(p, import.meta.url)),
  );
  return candidates.find((d) => existsSync(join(d, 'headless.js'))) ?? candidates[0]!;
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>unet-wasm headless</title><link rel="icon" href="data:,">
<script type="module" src="./headless.js"></script>`;

interface WireError {
  name: string;
  message: string;
  stack?: string;
}

function fromWire(e: WireError): Error {
  const err = new Error(e.message);
  err.name = e.name;
  if (e.stack) err.stack = e.stack;
  return err;
}

/** One Chromium with the unet-wasm page loaded. Close it when done. */
export class HeadlessSession {
  /** The page's WebGL/WebGPU renderer, probed at open. */
  gpu!: GpuInfo;
  private failed: Promise<never>;
  private failWith: (e: Error) => void = () => {};
  private closing = false;
  private run: { resolve(r: HeadlessTrainResponse): void; reject(e: Error): void } | null = null;
  private onProgress: ((info: BatchInfo) => void) | undefined;

  private constructor(
    readonly page: Page,
    private readonly chromium: LaunchedChromium,
    private readonly server: StaticServer,
    private readonly options: HeadlessSessionOptions,
  ) {
    this.failed = new Promise<never>((_, reject) => {
      this.failWith = reject;
    });
    this.failed.catch(() => {});
  }

  /** Starts the server and Chromium and loads the page. */
  static async open(options: HeadlessSessionOptions): Promise<HeadlessSession> {
    const assets = options.assetsDir ?? defaultAssetsDir();
    if (!existsSync(join(assets, 'headless.js'))) {
      throw new HeadlessError(
        `the browser bundle is missing (${join(assets, 'headless.js')}): run npm run build (scripts/build-browser.mjs)`,
      );
    }
    const routes: Record<string, Route> = { '/': { body: PAGE, type: 'text/html; charset=utf-8' } };
    if (options.images) routes['/data/images.tif'] = { body: options.images, type: 'image/tiff' };
    if (options.labels) routes['/data/labels.tif'] = { body: options.labels, type: 'image/tiff' };
    const server = await startStaticServer({ root: assets, routes });
    let chromium: LaunchedChromium;
    try {
      chromium = await launchChromium(options);
    } catch (e) {
      await server.close();
      throw e;
    }
    let session: HeadlessSession | undefined;
    try {
      const page = await chromium.browser.newPage();
      session = new HeadlessSession(page, chromium, server, options);
      await session.init(server.url);
      return session;
    } catch (e) {
      if (session) await session.close();
      else {
        await chromium.close();
        await server.close();
      }
      throw e;
    }
  }

  private fail(what: string): void {
    if (this.closing) return;
    const dir = this.options.outDir;
    const kept = existsSync(join(dir, 'last', 'state.json'))
      ? `; the last good checkpoint in ${join(dir, 'last')} is intact (train again with --resume)`
      : '';
    const err = new HeadlessError(`${what}${kept}`);
    this.failWith(err);
    this.run?.reject(err);
    this.run = null;
  }

  private async init(url: string): Promise<void> {
    const { page, options } = this;
    const log = options.log ?? (() => {});
    page.on('error', (e) => this.fail(`the page crashed (${e.message})`));
    page.on('close', () => this.fail('the page was closed'));
    this.chromium.browser.on('disconnected', () => this.fail('the browser exited'));
    page.on('pageerror', (e) => log(`[page error] ${(e as Error).message ?? String(e)}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warn') log(`[page ${m.type()}] ${m.text()}`);
    });
    const store = new FileCheckpointStore(options.outDir);
    const b64 = (u: Uint8Array): string =>
      Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('base64');
    await page.exposeFunction('unetHostProgress', (info: BatchInfo) => this.onProgress?.(info));
    await page.exposeFunction('unetHostEpoch', (r: EpochRecord) => options.onEpoch?.(r));
    await page.exposeFunction('unetHostSave', async (name: string, files: Record<string, string>) => {
      const bytes: Record<string, Uint8Array> = {};
      for (const [k, v] of Object.entries(files)) bytes[k] = new Uint8Array(Buffer.from(v, 'base64'));
      await store.save(name, bytes);
    });
    await page.exposeFunction('unetHostLoad', async (name: string) => {
      if (!(await store.exists(name))) return null;
      const files = await store.load(name);
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(files)) out[k] = b64(v);
      return out;
    });
    await page.exposeFunction('unetHostDone', (r: HeadlessTrainResponse) => {
      this.run?.resolve(r);
      this.run = null;
    });
    await page.exposeFunction('unetHostFail', (e: WireError) => {
      this.run?.reject(fromWire(e));
      this.run = null;
    });
    const loadError = new Promise<never>((_, reject) => {
      page.on('pageerror', (e) => reject(new HeadlessError(`the page failed to load: ${String(e)}`)));
    });
    loadError.catch(() => {});
    await page.goto(url);
    await Promise.race([
      page.waitForFunction('window.unetHeadless !== undefined', {
        timeout: options.loadTimeoutMs ?? 120_000,
      }),
      loadError,
      this.failed,
    ]);
    this.gpu = await this.call(() =>
      (window as unknown as { unetHeadless: HeadlessPageApi }).unetHeadless.gpuInfo(),
    );
  }

  /** Runs `fn` in the page, failing fast if the page crashes meanwhile. */
  private call<T, A extends unknown[]>(fn: (...args: A) => T | Promise<T>, ...args: A): Promise<T> {
    return Promise.race([
      this.page.evaluate(fn as never, ...(args as unknown as never[])) as Promise<T>,
      this.failed,
    ]);
  }

  /**
   * Trains in the page; resolves with the page's result (history, config...). Checkpoints are on
   * disk in `outDir` as they are made.
   */
  train(spec: HeadlessTrainSpec): Promise<HeadlessTrainResponse> {
    if (this.run) return Promise.reject(new HeadlessError('a training run is already going on'));
    const data: HeadlessData | undefined =
      spec.data ??
      (this.options.images && this.options.labels
        ? { kind: 'tiff', images: '/data/images.tif', labels: '/data/labels.tif' }
        : undefined);
    if (!data) return Promise.reject(new HeadlessError('no data: give the session images and labels'));
    this.onProgress = spec.onProgress ?? this.options.onProgress;
    const done = new Promise<HeadlessTrainResponse>((resolve, reject) => {
      this.run = { resolve, reject };
    });
    // The page may report failure before `start` returns; the race below still sees it.
    done.catch(() => {});
    const req = {
      data,
      options: spec.options,
      backend: spec.backend,
      ...(spec.fallbackBackend ? { fallbackBackend: spec.fallbackBackend } : {}),
    };
    return this.call((r) => {
      (window as unknown as { unetHeadless: HeadlessPageApi }).unetHeadless.start(r);
    }, req).then(
      () => Promise.race([done, this.failed]),
      (e: unknown) => {
        this.run = null;
        throw e;
      },
    );
  }

  /** Asks the page to stop after the current step; it then saves a 'last' checkpoint. */
  async abort(): Promise<void> {
    await this.call(() => (window as unknown as { unetHeadless: HeadlessPageApi }).unetHeadless.abort());
  }

  /** Overlap-tile prediction in the page with checkpoint `checkpoint` of `outDir`. */
  async predict(req: {
    checkpoint: string;
    image: Float32Array;
    width: number;
    height: number;
    tileSize?: number;
    backend: BackendName;
  }): Promise<{ probabilities: Float32Array; labels: Uint8Array }> {
    const image = Buffer.from(req.image.buffer, req.image.byteOffset, req.image.byteLength).toString(
      'base64',
    );
    const r = await this.call(
      (q) => (window as unknown as { unetHeadless: HeadlessPageApi }).unetHeadless.predict(q),
      { ...req, image },
    );
    const p = Buffer.from(r.probabilities, 'base64');
    const probabilities = new Float32Array(p.buffer.slice(p.byteOffset, p.byteOffset + p.byteLength));
    return { probabilities, labels: new Uint8Array(Buffer.from(r.labels, 'base64')) };
  }

  /** Closes the browser (no checkpoint is written) and the server. Idempotent. */
  async close(): Promise<void> {
    if (!this.closing) {
      this.closing = true;
      this.run?.reject(new HeadlessError('the headless session was closed'));
      this.run = null;
    }
    await this.chromium.close();
    await this.server.close();
  }
}
