import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileCheckpointStore } from '../../src/node/fileCheckpointStore.js';
import { ProgressLine } from '../../src/node/progressLine.js';
import { writeReport } from '../../src/node/report.js';
import { CheckpointError, MemoryCheckpointStore } from '../../src/train/index.js';

const dir = mkdtempSync(join(tmpdir(), 'unet-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('checkpoint stores', () => {
  for (const [name, make] of [
    ['memory', () => new MemoryCheckpointStore()],
    ['files', () => new FileCheckpointStore(join(dir, 'ck'))],
  ] as const) {
    it(`${name}: saves, replaces and loads whole checkpoints`, async () => {
      const s = make();
      expect(await s.exists('last')).toBe(false);
      await expect(s.load('last')).rejects.toThrow(CheckpointError);
      await s.save('last', {
        'state.json': '{"a":1}',
        'weights.bin': new Uint8Array([1, 2, 3]),
        'old.bin': new Uint8Array([9]),
      });
      await s.save('last', { 'state.json': '{"a":2}', 'weights.bin': new Uint8Array([4, 5]) });
      expect(await s.exists('last')).toBe(true);
      const f = await s.load('last');
      expect(Object.keys(f).sort()).toEqual(['state.json', 'weights.bin']);
      expect(new TextDecoder().decode(f['state.json'])).toBe('{"a":2}');
      expect(Array.from(f['weights.bin']!)).toEqual([4, 5]);
    });
  }

  it('leaves no temporary directories and rejects path tricks', async () => {
    const s = new FileCheckpointStore(join(dir, 'ck2'));
    await s.save('best', { 'model.json': '{}', 'state.json': '{}' });
    expect(readdirSync(join(dir, 'ck2'))).toEqual(['best']);
    await expect(s.save('../evil', { 'state.json': '{}' })).rejects.toThrow(CheckpointError);
    await expect(s.save('x', { '../state.json': '{}' })).rejects.toThrow(CheckpointError);
  });
});

describe('progress line', () => {
  it('rewrites in place on a TTY and prints throttled plain lines otherwise', () => {
    let tty = '';
    const p = new ProgressLine({ write: (s: string) => (tty += s), isTTY: true, columns: 20 });
    p.update('epoch 1 step 1');
    p.update('epoch 1 step 2 with a long tail');
    p.line('epoch 1 done');
    expect(tty).toBe('\repoch 1 step 1\x1b[K\repoch 1 step 2 wit…\x1b[K\r\x1b[Kepoch 1 done\n');
    let plain = '';
    let t = 0;
    const q = new ProgressLine({ write: (s: string) => (plain += s) }, 1000, () => t);
    q.update('a');
    t = 500;
    q.update('b');
    t = 1200;
    q.update('c');
    q.update('d', true);
    expect(plain).toBe('a\nc\nd\n');
  });
});

describe('writeReport', () => {
  it('writes report.html with curves and overlays', () => {
    const out = join(dir, 'report');
    const v = {
      pixelAccuracy: 0.9,
      iou: [0.7, 0.9],
      meanIoU: 0.8,
      dice: 0.88,
      vRand: 0.7,
      vInfo: 0.8,
      perSlice: [],
      loss: 0.3,
    };
    const files = writeReport({
      outDir: out,
      history: [
        { epoch: 0, loss: 0.6, steps: 5, seconds: 3, validation: v },
        { epoch: 1, loss: 0.4, steps: 5, seconds: 3, validation: { ...v, meanIoU: 0.85 } },
      ],
      majorityBaseline: 0.78,
      bestEpoch: 1,
      moreCurves: [{ name: 'member 2 (seed 5)', dir: 'member-2' }],
      overlays: [
        {
          slice: 7,
          image: new Uint8Array(64),
          label: new Uint8Array(64).fill(1),
          pred: new Uint8Array(64),
          width: 8,
          height: 8,
        },
      ],
    });
    for (const f of [files.html, files.loss, files.metrics, ...files.overlays])
      expect(existsSync(f)).toBe(true);
    expect(files.overlays).toEqual([join(out, 'overlay-7.png')]);
    const html = readFileSync(files.html, 'utf8');
    expect(html).toContain('<img src="overlay-7.png"');
    expect(html).toContain('<h3>member 2 (seed 5)</h3>');
    expect(html).toContain('<img src="member-2/loss.png"');
    expect(html).toContain('<img src="member-2/metrics.png"');
    expect(html).toMatch(/best epoch \(by mean IoU\)<\/th><td>2: pixel accuracy 90\.00 %/);
    expect(html).toContain('78.00 %');
    expect(readFileSync(files.loss).subarray(1, 4).toString()).toBe('PNG');
  });
});
