// Finding and launching the system's Chromium for headless training. Puppeteer never downloads a
// browser here (.puppeteerrc.cjs: skipDownload); we use /usr/bin/chromium or CHROME_PATH.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer';
import type { Browser } from 'puppeteer';

/** Thrown when no Chromium can be found or started. */
export class ChromiumError extends Error {
  override name = 'ChromiumError';
}

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** CHROME_PATH when set, else the first system Chromium found, else null. */
export function findChromium(env: Record<string, string | undefined> = process.env): string | null {
  const fromEnv = env['CHROME_PATH'];
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/**
 * Chromium flags for training: no sandbox (containers, root), nothing that talks to the network,
 * and WebGL2/WebGPU even without a GPU (SwiftShader renders in software).
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu',
  '--use-angle=swiftshader-webgl',
  '--ignore-gpu-blocklist',
  // Keep a background/hidden headless tab at full speed.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

export interface LaunchOptions {
  /** Default: `findChromium()`. */
  executablePath?: string;
  /** Default true (new headless mode). */
  headless?: boolean;
  /** Longest single DevTools call, ms. Default 10 minutes. */
  protocolTimeout?: number;
  /** Use the machine's GPU through ANGLE's default instead of forcing SwiftShader. Default false. */
  hardwareGpu?: boolean;
  extraArgs?: string[];
}

export interface LaunchedChromium {
  browser: Browser;
  executablePath: string;
  /** Closes the browser and removes its fresh profile directory. Idempotent. */
  close(): Promise<void>;
}

/** Launches Chromium with a fresh, throw-away profile. */
export async function launchChromium(options: LaunchOptions = {}): Promise<LaunchedChromium> {
  const executablePath = options.executablePath ?? findChromium();
  if (!executablePath) {
    throw new ChromiumError(
      'no Chromium found: install it (apt-get install -y chromium) or set CHROME_PATH to its executable',
    );
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'unet-wasm-chromium-'));
  const flags = CHROMIUM_FLAGS.filter((f) => !(options.hardwareGpu && f.startsWith('--use-angle')));
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      executablePath,
      headless: options.headless ?? true,
      userDataDir,
      args: [...flags, ...(options.extraArgs ?? [])],
      protocolTimeout: options.protocolTimeout ?? 600_000,
      pipe: true,
      // Ctrl-C is ours: the launcher first asks the page to save a checkpoint, then closes.
      handleSIGINT: false,
      handleSIGTERM: true,
      handleSIGHUP: true,
    });
  } catch (e) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw new ChromiumError(`could not start ${executablePath}: ${(e as Error).message}`, { cause: e });
  }
  let closing: Promise<void> | null = null;
  return {
    browser,
    executablePath,
    close() {
      closing ??= (async () => {
        try {
          await browser.close();
        } catch {
          browser.process()?.kill('SIGKILL');
        }
        rmSync(userDataDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
