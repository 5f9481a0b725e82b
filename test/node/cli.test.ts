import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/node/cli.js';
import type { CliIO } from '../../src/node/cli.js';
import { readTiffFile, writeTiffFile } from '../../src/node/files.js';
import { tinyProblem } from '../train/helpers.js';

function capture(): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s), isTTY: false },
    stderr: { write: (s: string) => (err += s), isTTY: false },
    out: () => out,
    err: () => err,
  };
}

let dir: string;
let images: string;
let labels: string;
let labelsShort: string;
const W = 32;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'unet-cli-'));
  const p = tinyProblem(4, W, W, 2);
  const pages = (d: Uint8Array, n: number) =>
    Array.from({ length: n }, (_, s) => ({
      width: W,
      height: W,
      data: d.subarray(s * W * W, (s + 1) * W * W),
    }));
  images = join(dir, 'images.tif');
  labels = join(dir, 'labels.tif');
  labelsShort = join(dir, 'labels3.tif');
  await writeTiffFile(
    images,
    pages(
      Uint8Array.from(p.images, (v) => Math.round(v)),
      4,
    ),
  );
  await writeTiffFile(labels, pages(p.labels, 4), { compression: 'deflate' });
  await writeTiffFile(labelsShort, pages(p.labels, 3));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const tiny = [
  '--epochs',
  '2',
  '--steps-per-epoch',
  '3',
  '--tile',
  '16',
  '--depth',
  '2',
  '--filters',
  '4',
  '--batch-size',
  '2',
];

describe('unet-wasm CLI (in process)', () => {
  it('trains a tiny run, writes checkpoints and the report, resumes, and predicts', async () => {
    const out = join(dir, 'run');
    const io = capture();
    const code = await main(
      ['train', '--images', images, '--labels', labels, '--val-split', '0.25', '--out', out, ...tiny],
      io,
    );
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(io.out()).toMatch(/epoch 2\/2 .*acc/);
    expect(io.out()).toMatch(/majority-class baseline \d+\.\d+ %/);
    for (const f of [
      'best/model.json',
      'best/weights.bin',
      'last/optimizer.bin',
      'last/state.json',
      'report.html',
      'loss.png',
      'metrics.png',
      'overlay-3.png',
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('src="loss.png"');
    expect(html).toContain('overlay-3.png');

    const io2 = capture();
    expect(
      await main(
        [
          'train',
          '--images',
          images,
          '--labels',
          labels,
          '--val-split',
          '0.25',
          '--out',
          out,
          ...tiny,
          '--epochs',
          '3',
          '--resume',
        ],
        io2,
      ),
    ).toBe(0);
    expect(io2.out()).toMatch(/Resumed from .* at epoch 3, step 1/);
    expect(io2.out()).toMatch(/epoch 3\/3/);

    const io3 = capture();
    const probs = join(dir, 'pred.tif');
    expect(await main(['predict', '--model', out, '--images', images, '--out', probs], io3)).toBe(0);
    const p = await readTiffFile(probs);
    expect(p).toHaveLength(4);
    expect(p[0]!.sampleFormat).toBe('float');
    expect(p[0]!.data.every((v) => v >= 0 && v <= 1)).toBe(true);
    const l = await readTiffFile(join(dir, 'pred-labels.tif'));
    expect(l).toHaveLength(4);
    expect(l[0]!.bitsPerSample).toBe(8);
    expect(new Set(l.flatMap((pg) => Array.from(pg.data))).size).toBeLessThanOrEqual(2);
    expect([...new Set(l.flatMap((pg) => Array.from(pg.data)))].every((v) => v === 0 || v === 255)).toBe(
      true,
    );
  });

  it("trains with 'valid' padding end to end", async () => {
    const io = capture();
    const out = join(dir, 'valid');
    const code = await main(
      [
        'train',
        '--images',
        images,
        '--labels',
        labels,
        '--out',
        out,
        '--padding',
        'valid',
        '--tile',
        '28',
        '--depth',
        '1',
        '--filters',
        '2',
        '--epochs',
        '1',
        '--steps-per-epoch',
        '2',
        '--no-report',
      ],
      io,
    );
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    const state = JSON.parse(readFileSync(join(out, 'last/state.json'), 'utf8'));
    expect(state.config.outputSize).toBe(12);
  });

  it('gives one error line and exit code 2 for bad options and input', async () => {
    const cases: [string[], RegExp][] = [
      [['train', '--bogus'], /bogus/],
      [['train', '--images', join(dir, 'missing.tif'), '--labels', labels], /not found: .*missing\.tif/],
      [
        ['train', '--images', images, '--labels', labelsShort, ...tiny],
        /labels .*3 slices.* do not match images .*4 slices/,
      ],
      [
        [
          'train',
          '--images',
          images,
          '--labels',
          labels,
          '--padding',
          'valid',
          '--tile',
          '30',
          '--depth',
          '2',
        ],
        /valid/,
      ],
      [['train', '--images', images, '--labels', labels, '--tile', '18', '--depth', '2'], /multiple of 4/],
      [
        ['predict', '--model', join(dir, 'nowhere'), '--images', images, '--out', join(dir, 'x.tif')],
        /no model\.json/,
      ],
      [['frobnicate'], /unknown command/],
    ];
    for (const [argv, re] of cases) {
      const io = capture();
      const code = await main(argv, io);
      expect(code, argv.join(' ')).toBe(2);
      const lines = io.err().trimEnd().split('\n');
      expect(lines, argv.join(' ')).toHaveLength(1);
      expect(lines[0]).toMatch(/^unet-wasm: error: /);
      expect(lines[0]).toMatch(re);
    }
  });

  it('prints help', async () => {
    const io = capture();
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out()).toContain('--steps-per-epoch');
    expect(io.out()).toContain('predict --model');
  });
});

const cli = join(process.cwd(), 'dist/node/cli.js');
describe.skipIf(!existsSync(cli))('unet-wasm CLI (built dist/node/cli.js)', () => {
  it('runs --help and fails cleanly on an unknown flag', () => {
    const help = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('unet-wasm train');
    const bad = spawnSync(process.execPath, [cli, 'train', '--nope'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});
if (!existsSync(cli))
  console.warn(`skipping the built-CLI test: ${cli} does not exist (run npm run build:ts)`);
