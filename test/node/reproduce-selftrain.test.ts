import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DATA, hasData, sink, tiffMaxAbsDiff, tiny, tmpDirs } from './reproduceFixtures.js';
import { readTiffFile, writeTiffFile } from '../../src/node/files.js';
import { shiftStack } from '../../src/data/index.js';
import { TrainConfigError } from '../../src/train/index.js';
import { appendSlices, pseudoLabelSlices } from '../../src/node/reproduce/pseudoLabels.js';
import {
  parseReproduceArgs,
  PSEUDO_LABEL_FILE,
  reproduceIsbiCommand,
  ROUND1_SUMMARY_FILE,
  runReproduceIsbi,
  runSelfTraining,
} from '../../src/node/reproduce/index.js';
import type { ReproduceIsbiOptions, ReproduceIsbiResult } from '../../src/node/reproduce/index.js';

if (!hasData)
  console.warn(`reproduce-isbi self-training end-to-end tests skipped: ISBI 2012 data not found in ${DATA}`);

const dirs = tmpDirs('unet-selftrain-');
const tmp = dirs.make;
afterAll(dirs.cleanup);

// Two 4×3 test slices and probability maps for them.
const test = {
  data: Uint8Array.from({ length: 24 }, (_, i) => (i * 37) % 251),
  width: 4,
  height: 3,
  count: 2,
};
const probs = Float32Array.from({ length: 24 }, (_, i) => [0, 0.5, 0.5001, 1, 0.2, 0.8][i % 6]!);
const writeProbs = async (path: string, data: Float32Array, width = 4, height = 3): Promise<string> => {
  const n = width * height;
  const pages = Array.from({ length: data.length / n }, (_, k) => ({
    width,
    height,
    data: data.subarray(k * n, (k + 1) * n),
  }));
  await writeTiffFile(path, pages);
  return path;
};

describe('pseudoLabelSlices', () => {
  it('labels p > 0.5 as cell (255) and keeps the test images, resampled at the label offset', async () => {
    const path = await writeProbs(join(tmp(), 'p.tif'), probs);
    const r = await pseudoLabelSlices(path, test, { dx: 0, dy: 0 }, 'bilinear');
    expect(r.count).toBe(2);
    expect(Array.from(r.labels)).toEqual(Array.from(probs, (p) => (p > 0.5 ? 255 : 0)));
    expect(Array.from(r.labels.subarray(0, 6))).toEqual([0, 0, 255, 255, 0, 255]);
    expect(Array.from(r.images)).toEqual(Array.from(test.data));
    const moved = await pseudoLabelSlices(path, test, { dx: 0.25, dy: -0.5 }, 'cubic');
    expect(Array.from(moved.images)).toEqual(
      Array.from(shiftStack(test, 0.25, -0.5, { interpolation: 'cubic' }).data),
    );
    expect(moved.labels).toEqual(r.labels);
  });

  it('rejects maps of another shape or values outside [0, 1]', async () => {
    const d = tmp();
    const other = await writeProbs(join(d, 'small.tif'), probs.subarray(0, 12));
    await expect(pseudoLabelSlices(other, test, { dx: 0, dy: 0 }, 'bilinear')).rejects.toThrow(
      /1 slices of 4x3; the test volume is 2 of 4x3/,
    );
    const wide = await writeProbs(join(d, 'wide.tif'), new Float32Array(2 * 6 * 2), 6, 2);
    await expect(pseudoLabelSlices(wide, test, { dx: 0, dy: 0 }, 'bilinear')).rejects.toThrow(
      TrainConfigError,
    );
    for (const bad of [1.5, -0.1, NaN]) {
      const p = Float32Array.from(probs);
      p[7] = bad;
      const f = await writeProbs(join(d, `bad.tif`), p);
      await expect(pseudoLabelSlices(f, test, { dx: 0, dy: 0 }, 'bilinear')).rejects.toThrow(
        /must be probabilities in \[0, 1\]/,
      );
    }
    await expect(
      pseudoLabelSlices(join(d, 'missing.tif'), test, { dx: 0, dy: 0 }, 'bilinear'),
    ).rejects.toThrow(/not found/);
  });

  it('appendSlices concatenates as float32', () => {
    expect(Array.from(appendSlices(Uint8Array.of(1, 255), Float32Array.of(0.5)))).toEqual([1, 255, 0.5]);
  });
});

describe('parseReproduceArgs: self-training flags', () => {
  it('resolves --pseudo-labels to an absolute path; --warm-start is a switch', () => {
    const o = parseReproduceArgs(['--pseudo-labels', 'runs/a/test-probabilities.tif', '--warm-start']);
    expect(o.pseudoLabels).toBe(join(process.cwd(), 'runs/a/test-probabilities.tif'));
    expect(o.warmStart).toBe(true);
    expect(() => parseReproduceArgs(['--pseudo-labels'])).toThrow(/--pseudo-labels needs a value/);
  });
});

describe.skipIf(!hasData)('reproduce-isbi self-training (tiny, real ISBI data)', () => {
  it("a second run starts from the first one's model and trains on the test slices with its maps", async () => {
    const out = tmp();
    const first = await runReproduceIsbi(tiny(out));
    let log = '';
    const second = await runReproduceIsbi(
      tiny(out, {
        warmStart: true,
        pseudoLabels: first.files.testProbabilities!,
        epochs: 1,
        stdout: { write: (s: string) => (log += s), isTTY: false },
      }),
    );
    // 1 training + 1 validation + 2 test slices reach the trainer; only slice 29 is validation.
    expect(second.config.count).toBe(4);
    expect(second.config.split.validation).toEqual([1]);
    expect(second.config.split.train).toEqual([0, 2, 3]);
    expect(second.pseudoLabels).toBe(first.files.testProbabilities);
    expect(second.warmStart).toBe(true);
    expect(log).toMatch(
      /\+ 2 test slices with pseudo-labels from .*test-probabilities\.tif, starting from .*model/,
    );
    expect(first.pseudoLabels).toBeUndefined();
    expect(first.warmStart).toBeUndefined();
  });

  it('refuses a warm start without a saved model, and pseudo-labels without the test volume', async () => {
    await expect(runReproduceIsbi(tiny(tmp(), { warmStart: true }))).rejects.toThrow(
      /no saved model in .*model/,
    );
    // A damaged model is reported as such, not as a missing one.
    const broken = tmp();
    mkdirSync(join(broken, 'model'));
    writeFileSync(join(broken, 'model', 'model.json'), '{ not json');
    await expect(runReproduceIsbi(tiny(broken, { warmStart: true }))).rejects.toThrow(
      /model\.json is not valid JSON/,
    );
    await expect(
      runReproduceIsbi(tiny(tmp(), { testSlices: [], pseudoLabels: join(tmp(), 'p.tif') })),
    ).rejects.toThrow(/needs the test volume/);
    await expect(
      runReproduceIsbi(tiny(tmp(), { sliceContext: 1, pseudoLabels: join(tmp(), 'p.tif') })),
    ).rejects.toThrow(/does not combine with sliceContext/);
  });
});

describe('runSelfTraining', () => {
  /** A stand-in for a run: records its options and writes the two files the rounds pass on. */
  const fakeRun =
    (calls: ReproduceIsbiOptions[]) =>
    async (o: ReproduceIsbiOptions): Promise<number> => {
      calls.push(o);
      await writeProbs(
        join(o.out!, 'test-probabilities.tif'),
        probs.map((p) => p * (calls.length === 1 ? 1 : 0.5)),
      );
      writeFileSync(join(o.out!, 'summary.json'), JSON.stringify({ round: calls.length }));
      return calls.length;
    };

  it('gives round 1 its share without TTA, then starts round 2 from it with its maps as labels', async () => {
    const out = tmp();
    const calls: ReproduceIsbiOptions[] = [];
    const r = await runSelfTraining(
      { out, minutes: 10, selfTrain: 0.4, tta: true, seed: 7, stdout: sink },
      fakeRun(calls),
    );
    expect(r).toBe(2);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ out, minutes: 4, tta: false, testTta: false, seed: 7 });
    expect(calls[0]!.warmStart).toBeUndefined();
    expect(calls[0]!.pseudoLabels).toBeUndefined();
    const pseudo = join(out, PSEUDO_LABEL_FILE);
    expect(calls[1]).toMatchObject({ out, tta: true, seed: 7, warmStart: true, pseudoLabels: pseudo });
    expect(calls[1]!.testTta).toBeUndefined();
    // Round 2 gets what is left of the 10 minutes: all of it here, as this round 1 took milliseconds.
    expect(calls[1]!.minutes).toBeGreaterThan(9.9);
    expect(calls[1]!.minutes).toBeLessThanOrEqual(10);
    // Round 1's maps survive round 2's rewrite of test-probabilities.tif, and so does its summary.
    expect(Array.from((await readTiffFile(pseudo))[0]!.data)).toEqual(Array.from(probs.subarray(0, 12)));
    expect(JSON.parse(readFileSync(join(out, ROUND1_SUMMARY_FILE), 'utf8'))).toEqual({ round: 1 });
  });

  it('stops after round 1 when the signal aborted during it', async () => {
    const out = tmp();
    const calls: ReproduceIsbiOptions[] = [];
    const ctl = new AbortController();
    const run = fakeRun(calls);
    let log = '';
    const r = await runSelfTraining(
      { out, selfTrain: 0.5, signal: ctl.signal, stdout: { write: (x: string) => (log += x), isTTY: false } },
      async (o) => {
        ctl.abort(); // e.g. Ctrl-C while round 1 trains
        return run(o);
      },
    );
    expect(r).toBe(1);
    expect(calls).toHaveLength(1);
    expect(log).toMatch(/stopped after round 1/);
  });

  it('rejects a bad share and options it sets itself, before any run', async () => {
    const calls: ReproduceIsbiOptions[] = [];
    const run = fakeRun(calls);
    for (const selfTrain of [0, 1, -0.5, NaN])
      await expect(runSelfTraining({ out: tmp(), selfTrain }, run)).rejects.toThrow(
        /selfTrain must be in \(0, 1\)/,
      );
    await expect(runSelfTraining({ out: tmp(), selfTrain: 0.5, warmStart: true }, run)).rejects.toThrow(
      /give neither/,
    );
    await expect(runSelfTraining({ out: tmp(), selfTrain: 0.5, pseudoLabels: 'p.tif' }, run)).rejects.toThrow(
      /give neither/,
    );
    await expect(runSelfTraining({ out: tmp(), selfTrain: 0.5, testSlices: [] }, run)).rejects.toThrow(
      /needs the test volume/,
    );
    await expect(runSelfTraining({ out: tmp(), selfTrain: 0.5, resume: true }, run)).rejects.toThrow(
      /does not resume/,
    );
    expect(calls).toHaveLength(0);
  });

  it('parses --self-train', () => {
    expect(parseReproduceArgs(['--self-train', '0.45']).selfTrain).toBe(0.45);
    for (const bad of ['1', '-0.1', 'x'])
      expect(() => parseReproduceArgs(['--self-train', bad])).toThrow(
        /--self-train needs a number in \[0, 1\)/,
      );
  });
});

describe.skipIf(!hasData)('reproduce-isbi --self-train (tiny, real ISBI data)', () => {
  it("runs both rounds from the command line; round 2 trains on the test slices from round 1's model", async () => {
    const out = tmp();
    const { stdout: _s, ...opts } = tiny(out, { minutes: 4 });
    const file = join(out, 'options.json');
    writeFileSync(file, JSON.stringify(opts));
    let log = '';
    const code = await reproduceIsbiCommand(['--options', file, '--members', '1', '--self-train', '0.5'], {
      stdout: { write: (s: string) => (log += s), isTTY: false },
    });
    expect(code).toBe(0);
    expect(log).toMatch(/self-training round 1 of 2: 2\.0 of 4 min/);
    // Round 1 (one epoch) ended long before its 2 minutes: round 2 gets the rest of the 4.
    expect(log).toMatch(/self-training round 2 of 2: (3\.[5-9]|4\.0) min left/);
    const round1 = JSON.parse(readFileSync(join(out, ROUND1_SUMMARY_FILE), 'utf8')) as ReproduceIsbiResult;
    const round2 = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as ReproduceIsbiResult;
    expect(round1.config.count).toBe(2);
    expect(round1.warmStart).toBeUndefined();
    expect(round2.config.count).toBe(4);
    expect(round2.warmStart).toBe(true);
    expect(round2.pseudoLabels).toBe(join(out, PSEUDO_LABEL_FILE));
    // The pseudo-labels are round 1's maps; round 2 rewrote test-probabilities.tif with its own.
    expect(
      await tiffMaxAbsDiff(join(out, PSEUDO_LABEL_FILE), round2.files.testProbabilities!),
    ).toBeGreaterThan(0);
  });
});
