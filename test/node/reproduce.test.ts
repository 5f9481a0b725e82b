import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DATA, hasData, tiffMaxAbsDiff, tiny, tmpDirs, writeTinyTestSlices } from './reproduceFixtures.js';
import { CliUsageError } from '../../src/node/args.js';
import { readTiffFile } from '../../src/node/files.js';
import { predictFiles } from '../../src/node/predict.js';
import { defaultAugmentConfig } from '../../src/augment/index.js';
import {
  augmentPreset,
  lossWeights,
  parseReproduceArgs,
  reproduceIsbiCommand,
  modelInputs,
  runReproduceIsbi,
  summaryTable,
  boundaryErrorLine,
  ttaNote,
} from '../../src/node/reproduce/index.js';
import type { ReproduceIsbiResult } from '../../src/node/reproduce/index.js';

if (!hasData) console.warn(`reproduce-isbi end-to-end tests skipped: ISBI 2012 data not found in ${DATA}`);

const dirs = tmpDirs('unet-repro-');
const tmp = dirs.make;
afterAll(dirs.cleanup);

describe('modelInputs', () => {
  // Slice z of a 3×2 stack: pixels 0 and 1 span 0–250, pixel 2 holds 10·z + 20 (its trace after scaling).
  const raw = {
    data: Uint8Array.from(
      { length: 6 * 6 },
      (_, i) => [0, 250, 10 * Math.floor(i / 6) + 20, 7, 7, 7][i % 6]!,
    ),
    width: 3,
    height: 2,
    count: 6,
  };
  /** Which slice each channel of output slice k holds, read from pixel 2. */
  const trace = (m: { data: ArrayLike<number>; channels: number }, k: number): number[] =>
    Array.from(
      { length: m.channels },
      (_, c) => Math.round((m.data[(k * 6 + 2) * m.channels + c]! * 250 - 20) / 10) + 0,
    );

  it('gives training slices neighbours from the training slices only, held-out slices any neighbour', () => {
    const m = modelInputs(raw, [0, 1, 2], [3, 4], 1);
    expect(m.channels).toBe(3);
    expect(m.data.length).toBe(5 * 6 * 3);
    expect([0, 1, 2, 3, 4].map((k) => trace(m, k))).toEqual([
      [1, 0, 1],
      [0, 1, 2],
      [1, 2, 1], // slice 3 is held out: slice 2 sees its mirror
      [2, 3, 4],
      [3, 4, 5], // slice 5 is in neither set, yet an image at prediction time
    ]);
    // Order follows the lists: training slices first, then validation.
    expect(trace(modelInputs(raw, [4, 1], [0], 2), 0)).toEqual([4, 4, 4, 4, 4]);
    expect(trace(modelInputs(raw, [4, 1], [0], 2), 2)).toEqual([2, 1, 0, 1, 2]);
  });

  it('without context is the picked raw slices, unscaled', () => {
    const m = modelInputs(raw, [2, 0], [5], 0);
    expect(m.channels).toBe(1);
    expect(Array.from(m.data)).toEqual([
      ...raw.data.subarray(12, 18),
      ...raw.data.subarray(0, 6),
      ...raw.data.subarray(30, 36),
    ]);
  });
});

describe('parseReproduceArgs', () => {
  it('parses every flag', () => {
    expect(
      parseReproduceArgs([
        '--data',
        'd',
        '--out=o',
        '--seed',
        '7',
        '--minutes',
        '1.5',
        '--tta',
        '--test-tta',
        'off',
        '--loss',
        'border',
        '--dice',
        '0.5',
        '--epochs',
        '3',
        '--threads',
        '1',
        '--steps-per-epoch',
        '9',
        '--cosine-steps',
        '0',
        '--filters',
        '24',
        '--dropout',
        '0.5',
        '--tile',
        '512',
        '--batch=1',
        '--lr',
        '2e-3',
        '--ema',
        '0.99',
        '--augment',
        'dihedral',
        '--label-offset',
        '0.25,-0.5',
        '--shift-interpolation',
        'cubic',
        '--slice-context',
        '2',
        '--train-slices',
        '0-3,5,7-8',
        '--validation-slices=27,28-29',
        '--quiet',
        '--resume',
      ]),
    ).toEqual({
      data: 'd',
      out: 'o',
      seed: 7,
      minutes: 1.5,
      tta: true,
      testTta: false,
      loss: 'border',
      dice: 0.5,
      epochs: 3,
      threads: 1,
      stepsPerEpoch: 9,
      cosineSteps: 0,
      model: { baseFilters: 24, dropout: 0.5 },
      tileSize: 512,
      batchSize: 1,
      learningRate: 0.002,
      weightAverage: 0.99,
      augment: 'dihedral',
      labelOffset: [0.25, -0.5],
      shiftInterpolation: 'cubic',
      sliceContext: 2,
      trainSlices: [0, 1, 2, 3, 5, 7, 8],
      validationSlices: [27, 28, 29],
      quiet: true,
      resume: true,
    });
    expect(parseReproduceArgs([])).toEqual({});
    expect(parseReproduceArgs(['--label-offset', 'auto'])).toEqual({ labelOffset: 'auto' });
    expect(parseReproduceArgs(['--label-offset', 'none'])).toEqual({ labelOffset: 'none' });
    for (const bad of ['x', '1', '0.5,', '5,0', '0,-4.5', 'a,b']) {
      expect(() => parseReproduceArgs(['--label-offset', bad]), bad).toThrow(
        /--label-offset needs auto, none or DX,DY/,
      );
    }
    expect(() => parseReproduceArgs(['--shift-interpolation', 'sinc'])).toThrow(/--shift-interpolation/);
    expect(parseReproduceArgs(['--slice-context', '0'])).toEqual({ sliceContext: 0 });
    for (const bad of ['-1', '9', '1.5', 'x'])
      expect(() => parseReproduceArgs(['--slice-context', bad]), bad).toThrow(
        /--slice-context needs an integer/,
      );
  });

  it('rejects bad options with a usage error', () => {
    expect(() => parseReproduceArgs(['--minutes', '0'])).toThrow(CliUsageError);
    expect(() => parseReproduceArgs(['--minutes'])).toThrow(/needs a value/);
    expect(() => parseReproduceArgs(['--seed', '1.5'])).toThrow(CliUsageError);
    expect(() => parseReproduceArgs(['--loss', 'dice'])).toThrow(/ce, border, balanced, unet/);
    expect(() => parseReproduceArgs(['--bogus'])).toThrow(/unknown option/);
    for (const bad of ['-1', 'x', '', 'Infinity'])
      expect(() => parseReproduceArgs(['--dice', bad]), bad).toThrow(/--dice needs a number >= 0/);
    expect(() => parseReproduceArgs(['--cosine-steps', '-1'])).toThrow(CliUsageError);
    expect(() => parseReproduceArgs(['--filters', '0'])).toThrow(CliUsageError);
    for (const bad of ['1', '-0.1', 'x'])
      expect(() => parseReproduceArgs(['--dropout', bad]), bad).toThrow(
        /--dropout needs a number in \[0, 1\)/,
      );
    expect(() => parseReproduceArgs(['--tile', '8'])).toThrow(/--tile needs an integer >= 16/);
    expect(() => parseReproduceArgs(['--batch', '0'])).toThrow(/--batch needs an integer >= 1/);
    for (const bad of ['0', '-1e-3', '2', 'x', '', 'NaN'])
      expect(() => parseReproduceArgs(['--lr', bad]), bad).toThrow(/--lr needs a number in \(0, 1\]/);
    expect(parseReproduceArgs(['--ema', '0'])).toEqual({ weightAverage: 0 });
    for (const bad of ['-0.1', '1', '2', 'x', '', 'NaN'])
      expect(() => parseReproduceArgs(['--ema', bad]), bad).toThrow(/--ema needs a number in \[0, 1\)/);
    expect(() => parseReproduceArgs(['--augment', 'heavy'])).toThrow(/full, smooth, dihedral, none/);
    expect(parseReproduceArgs(['--test-tta=on'])).toEqual({ testTta: true });
    expect(() => parseReproduceArgs(['--test-tta', 'yes'])).toThrow(/--test-tta must be one of on, off/);
    expect(() => parseReproduceArgs(['--test-tta'])).toThrow(/needs a value/);
    for (const bad of ['5-2', 'a', '1,,2', '-1', '0-999999'])
      expect(() => parseReproduceArgs(['--train-slices', bad]), bad).toThrow(/list like 0-23/);
  });

  it('prints usage for --help without running', async () => {
    let out = '';
    const code = await reproduceIsbiCommand(['--help'], { stdout: { write: (s: string) => (out += s) } });
    expect(code).toBe(0);
    expect(out).toMatch(/--minutes M/);
    expect(out).toMatch(/--ema X/);
  });
});

describe('loss presets', () => {
  it('map to the weight-map options', () => {
    expect(lossWeights('ce')).toBe(false);
    expect(lossWeights('border')).toEqual({ classWeights: [1, 1], w0: 10, sigma: 5 });
    expect(lossWeights('balanced')).toEqual({ classWeights: 'balanced', w0: 0 });
    expect(lossWeights('unet')).toEqual({ classWeights: 'balanced', w0: 10, sigma: 5 });
  });
});

describe('augmentation presets', () => {
  it("map to the trainer's augment option", () => {
    const full = augmentPreset('full');
    expect(full).toEqual(defaultAugmentConfig);
    const dihedral = augmentPreset('dihedral');
    expect(dihedral).not.toBe(false);
    if (dihedral === false) return;
    const on = Object.entries(dihedral)
      .filter(([, v]) => (v as { enabled: boolean }).enabled)
      .map(([k]) => k)
      .sort();
    expect(on).toEqual(['flipHorizontal', 'flipVertical', 'rot90']);
    expect(augmentPreset('none')).toBe(false);
    // 'smooth' is 'full' with only the elastic field's alpha and sigma changed.
    const smooth = augmentPreset('smooth');
    expect(smooth).toEqual({
      ...defaultAugmentConfig,
      elastic: { ...defaultAugmentConfig.elastic, alpha: [300, 600], sigma: [25, 30] },
    });
    expect(augmentPreset('full')).toEqual(defaultAugmentConfig); // the default is not touched
  });
});

describe.skipIf(!hasData)('runReproduceIsbi end to end (tiny)', () => {
  it('trains, evaluates the held-out slice and writes every output', async () => {
    const out = tmp();
    let log = '';
    const r = await runReproduceIsbi({
      ...tiny(out),
      stdout: { write: (s: string) => (log += s), isTTY: false },
    });
    // The held-out slice is never a training slice.
    expect(r.config.split.validation).toEqual([1]);
    expect(r.config.split.train).toEqual([0]);
    expect(r.validationSlices).toEqual([29]);
    expect(r.epochs).toBe(1);
    expect(r.bestEpoch).toBe(0);
    expect(r.evaluated).toBe('best epoch 1');
    expect(r.stoppedBy).toBe('epochs');
    for (const e of [r.full, r.crop]) {
      for (const v of [e.meanIoU, e.pixelAccuracy, e.vRand, e.vInfo]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    }
    expect(r.crop.size).toBe(64);
    // The crop equals the full slice here, so both evaluations agree.
    expect(r.crop.meanIoU).toBeCloseTo(r.full.meanIoU, 10);

    const val = await readTiffFile(r.files.validationProbabilities);
    expect(val.length).toBe(1);
    expect([val[0]!.width, val[0]!.height]).toEqual([64, 64]);
    const p = val[0]!.data as Float32Array;
    expect(p).toBeInstanceOf(Float32Array);
    expect(Math.min(...p)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...p)).toBeLessThanOrEqual(1);
    const test = await readTiffFile(r.files.testProbabilities!);
    expect(test.length).toBe(2);

    const html = readFileSync(r.files.report, 'utf8');
    expect(html).toContain('overlay-29.png');
    expect(html).toMatch(/64² centre crop/);
    for (const f of [
      'loss.png',
      'metrics.png',
      'overlay-29.png',
      'checkpoints/best/model.json',
      'model/model.json',
      'model/weights.bin',
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    const summary = JSON.parse(readFileSync(r.files.summary, 'utf8')) as ReproduceIsbiResult;
    expect(summary.full.meanIoU).toBe(r.full.meanIoU);
    // The boundary-error bands account for every pixel and every error of the full slice.
    expect(r.boundaryErrors.pixels).toBe(64 * 64);
    expect(r.boundaryErrors.errors).toBe(Math.round((1 - r.full.pixelAccuracy) * 64 * 64));
    expect(r.boundaryErrors.bands.reduce((a, b) => a + b.errors, 0)).toBe(r.boundaryErrors.errors);
    // JSON has no Infinity: the last band ends at null in summary.json.
    expect(summary.boundaryErrors).toEqual(JSON.parse(JSON.stringify(r.boundaryErrors)));
    expect(summary.boundaryErrors.bands.at(-1)!.to).toBeNull();
    expect(log).toContain(`Errors by distance to the true boundary: ${boundaryErrorLine(r.boundaryErrors)}.`);
    expect(html).toContain('errors by distance to the true boundary');
    expect(log).toContain(summaryTable(r));
    expect(log).toMatch(/Wall time/);
  });

  it('stops on the wall-time budget and still evaluates and writes outputs', async () => {
    const r = await runReproduceIsbi(tiny(tmp(), { epochs: 1000, minutes: 0.001, testSlices: [] }));
    expect(r.stoppedBy).toBe('budget');
    expect(r.epochs).toBeLessThan(1000);
    expect(r.files.testProbabilities).toBeNull();
    expect(existsSync(r.files.validationProbabilities)).toBe(true);
    expect(existsSync(r.files.report)).toBe(true);
  });

  it('without BN recalibration, evaluates exactly the best epoch the trainer validated', async () => {
    const r = await runReproduceIsbi(
      tiny(tmp(), { recalibrateBatchNorm: false, testSlices: [], augment: 'none', dice: 0.5 }),
    );
    expect(r.config.augment).toBe(false);
    expect(r.config.dice).toBe(0.5); // the Dice term reaches the trainer
    expect(r.history[0]!.validation!.meanIoU).toBeCloseTo(r.full.meanIoU, 6);
    expect(r.history[0]!.validation!.pixelAccuracy).toBeCloseTo(r.full.pixelAccuracy, 6);
  });

  it('with a weight average, evaluates the averaged weights the trainer validated', async () => {
    const r = await runReproduceIsbi(
      tiny(tmp(), { recalibrateBatchNorm: false, testSlices: [], augment: 'none', weightAverage: 0.5 }),
    );
    expect(r.config.weightAverage).toBe(0.5); // the option reaches the trainer
    // The 'best' checkpoint holds the weights validation used: the average.
    expect(r.history[0]!.validation!.meanIoU).toBeCloseTo(r.full.meanIoU, 6);
    expect(r.history[0]!.validation!.pixelAccuracy).toBeCloseTo(r.full.pixelAccuracy, 6);
  });

  it('resamples the images at a label offset, records it, and predict repeats it from the saved model', async () => {
    const out = tmp();
    const r = await runReproduceIsbi(tiny(out, { labelOffset: [0.3, -0.6], shiftInterpolation: 'cubic' }));
    expect(r.labelOffset).toEqual({ dx: 0.3, dy: -0.6, estimated: false, interpolation: 'cubic' });
    const preFile = join(out, 'model', 'preprocess.json');
    const pre = JSON.parse(readFileSync(preFile, 'utf8')) as { imageOffset: object };
    expect(pre).toEqual({ imageOffset: { dx: 0.3, dy: -0.6, interpolation: 'cubic' } });
    // The test slices' maps written by the run equal `predict` on the raw slices with the saved model.
    const images = join(out, 'raw.tif');
    await writeTinyTestSlices(images);
    const probs = join(out, 'predicted.tif');
    const worstAgainstRun = async (): Promise<number> => {
      await predictFiles({ model: join(out, 'model'), images, out: probs });
      return tiffMaxAbsDiff(r.files.testProbabilities!, probs);
    };
    expect(await worstAgainstRun()).toBeLessThan(1e-4);
    // A record without the interpolation means bilinear (models saved before it existed): other maps.
    writeFileSync(preFile, JSON.stringify({ imageOffset: { dx: 0.3, dy: -0.6 } }));
    expect(await worstAgainstRun()).toBeGreaterThan(1e-3);
    // Without the record, predict sees unshifted images and the maps differ.
    rmSync(join(out, 'model', 'preprocess.json'));
    expect(await worstAgainstRun()).toBeGreaterThan(1e-3);
    const noShift = await runReproduceIsbi(tiny(tmp(), { labelOffset: 'none' }));
    expect(existsSync(join(noShift.out, 'model', 'preprocess.json'))).toBe(false);
    expect(noShift.labelOffset).toEqual({ dx: 0, dy: 0, estimated: false, interpolation: 'bilinear' });
  });

  it('with slice context, feeds z-neighbours as channels, records it, and predict repeats it', async () => {
    const out = tmp();
    let log = '';
    const r = await runReproduceIsbi(
      tiny(out, { sliceContext: 1, stdout: { write: (s: string) => (log += s), isTTY: false } }),
    );
    expect(log).toMatch(/slice context ±1 \(3 channels\)/);
    expect(r.config.model.inChannels).toBe(3);
    expect(r.sliceContext).toBe(1);
    const preFile = join(out, 'model', 'preprocess.json');
    const pre = JSON.parse(readFileSync(preFile, 'utf8')) as { sliceContext: object };
    expect(pre.sliceContext).toEqual({ radius: 1 });
    const images = join(out, 'raw.tif');
    await writeTinyTestSlices(images);
    const probs = join(out, 'predicted.tif');
    await predictFiles({ model: join(out, 'model'), images, out: probs });
    expect(await tiffMaxAbsDiff(r.files.testProbabilities!, probs)).toBeLessThan(1e-4);
    // A record that does not match the model's input channels is refused, not guessed.
    writeFileSync(preFile, JSON.stringify({ ...pre, sliceContext: { radius: 2 } }));
    await expect(predictFiles({ model: join(out, 'model'), images, out: probs })).rejects.toThrow(
      /takes 3 input channels, but its preprocess.json gives 5/,
    );
    writeFileSync(preFile, JSON.stringify({ ...pre, sliceContext: { radius: -1 } }));
    await expect(predictFiles({ model: join(out, 'model'), images, out: probs })).rejects.toThrow(
      /sliceContext.radius must be an integer/,
    );
    await expect(runReproduceIsbi(tiny(tmp(), { sliceContext: 9 }))).rejects.toThrow(/sliceContext must be/);
  });

  it('averages the 8 views for the scored slices, and for the test volume unless testTta is off', async () => {
    const images = join(tmp(), 'raw.tif');
    await writeTinyTestSlices(images);
    // The test maps of a run equal `predict` on the saved model, with or without the 8 views.
    const againstPredict = async (r: ReproduceIsbiResult, tta: boolean): Promise<number> => {
      const probs = join(r.out, `predicted-${tta}.tif`);
      await predictFiles({ model: join(r.out, 'model'), images, out: probs, tta });
      return tiffMaxAbsDiff(r.files.testProbabilities!, probs);
    };
    const both = await runReproduceIsbi(tiny(tmp(), { tta: true }));
    expect([both.tta, both.testTta]).toEqual([true, true]);
    expect(await againstPredict(both, true)).toBeLessThan(1e-4);
    expect(await againstPredict(both, false)).toBeGreaterThan(1e-3);
    const scoredOnly = await runReproduceIsbi(tiny(tmp(), { tta: true, testTta: false }));
    expect([scoredOnly.tta, scoredOnly.testTta]).toEqual([true, false]);
    expect(await againstPredict(scoredOnly, false)).toBeLessThan(1e-4);
    // Same seed, same training: the scored slices still get the 8 views.
    expect(scoredOnly.full).toEqual(both.full);
    expect(
      await tiffMaxAbsDiff(both.files.validationProbabilities, scoredOnly.files.validationProbabilities),
    ).toBe(0);
    expect(readFileSync(scoredOnly.files.report, 'utf8')).toContain(ttaNote(true, false));
    expect((await runReproduceIsbi(tiny(tmp(), { testSlices: [] }))).testTta).toBe(false);
  });

  it('trains with bottom dropout, says so, and predicts without it', async () => {
    const out = tmp();
    let log = '';
    const r = await runReproduceIsbi(
      tiny(out, {
        model: { depth: 2, baseFilters: 4, dropout: 0.5 },
        stdout: { write: (s: string) => (log += s), isTTY: false },
      }),
    );
    expect(log).toMatch(/model depth 2 base 4 BN dropout 0.5,/);
    expect(r.config.model.dropout).toBe(0.5);
    const images = join(out, 'raw.tif');
    await writeTinyTestSlices(images);
    const probs = join(out, 'predicted.tif');
    await predictFiles({ model: join(out, 'model'), images, out: probs });
    expect(await tiffMaxAbsDiff(r.files.testProbabilities!, probs)).toBeLessThan(1e-4);
  });

  it('estimates the label offset on the training slices by default', async () => {
    const r = await runReproduceIsbi(tiny(tmp(), { testSlices: [] }));
    expect(r.labelOffset.estimated).toBe(true);
    expect(Math.abs(r.labelOffset.dx)).toBeLessThanOrEqual(2.5);
    expect(r.labelOffset.correlation).toBeGreaterThanOrEqual(r.labelOffset.correlationAtZero!);
  });

  it('refuses overlapping training and validation slices', async () => {
    await expect(runReproduceIsbi(tiny(tmp(), { validationSlices: [0] }))).rejects.toThrow(
      /both training and validation/,
    );
  });
});
