// `npm run demo`: serves the demo page (dist/browser/demo.html and its bundle) on 127.0.0.1 with
// COOP/COEP, prints the address and keeps serving until Ctrl-C.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliIO } from '../cli.js';
import { CliUsageError } from '../args.js';
import { defaultAssetsDir } from '../headless/session.js';
import { startStaticServer } from '../headless/server.js';
import type { StaticServer } from '../headless/server.js';

export interface ServeDemoOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Where demo.html, demo.js and the tfjs .wasm files are. Default: dist/browser. */
  assetsDir?: string;
}

/** Starts the demo server; the page is at the returned `url`. */
export async function serveDemo(options: ServeDemoOptions = {}): Promise<StaticServer> {
  const root = options.assetsDir ?? defaultAssetsDir();
  const html = join(root, 'demo.html');
  if (!existsSync(html) || !existsSync(join(root, 'demo.js'))) {
    throw new CliUsageError(`the demo is not built (${html} is missing): run npm run build`);
  }
  return startStaticServer({
    root,
    port: options.port ?? 0,
    routes: { '/': { body: readFileSync(html), type: 'text/html; charset=utf-8' } },
  });
}

/** The `demo` command: `unet-wasm demo [--port N]`. Resolves with exit code 0 after Ctrl-C. */
export async function demoCommand(argv: string[], io: CliIO): Promise<number> {
  let port = 0;
  try {
    const { values } = parseArgs({ args: argv, options: { port: { type: 'string' } }, strict: true });
    if (values.port !== undefined) {
      port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad port '${values.port}'`);
    }
  } catch (e) {
    throw new CliUsageError(`demo: ${(e as Error).message} (usage: unet-wasm demo [--port N])`);
  }
  const server = await serveDemo({ port });
  io.stdout.write(`unet-wasm demo: open ${server.url} in a browser (Ctrl-C to stop).\n`);
  await new Promise<void>((resolve) => {
    if (!io.signal) return; // no signal: serve until the process ends
    if (io.signal.aborted) resolve();
    io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  return 0;
}
