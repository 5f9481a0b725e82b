import { describe, expect, it } from 'vitest';
import {
  CliUsageError,
  helpText,
  parsePredictArgs,
  parseTrainArgs,
  TRAIN_FLAGS,
} from '../../src/node/args.js';
import { trainOptionsFromArgs } from '../../src/node/trainOptionsFromArgs.js';

describe('CLI arguments', () => {
  it('parses train flags with defaults', () => {
    const a = parseTrainArgs(
      '--images a.tif --labels b.tif --epochs 3 --batch-size 4 --tile 188 --lr 0.0005 --val-split 27,28,29 --depth 2 --filters 8 --padding valid --out o --resume --seed 5 --backend cpu --steps-per-epoch 7'.split(
        ' ',
      ),
    );
    expect(a).toMatchObject({
      images: 'a.tif',
      labels: 'b.tif',
      epochs: 3,
      batchSize: 4,
      tile: 188,
      lr: 0.0005,
      validation: [27, 28, 29],
      depth: 2,
      filters: 8,
      padding: 'valid',
      out: 'o',
      resume: true,
      seed: 5,
      backend: 'cpu',
      stepsPerEpoch: 7,
      augment: true,
      weights: {},
    });
    const d = parseTrainArgs([]);
    expect(d).toMatchObject({
      out: 'runs/train',
      resume: false,
      seed: 0,
      backend: 'wasm',
      augment: true,
      report: true,
    });
    expect(d.epochs).toBeUndefined();
    expect(d.workers).toBeUndefined(); // the Node trainer's default
    expect(parseTrainArgs(['--workers', '0']).workers).toBe(0);
    expect(parseTrainArgs(['--workers', '2']).workers).toBe(2);
    expect(parseTrainArgs(['--val-split', '0.2']).validation).toBe(0.2);
    expect(parseTrainArgs(['--cosine-steps', '500']).cosineSteps).toBe(500);
    expect(
      trainOptionsFromArgs(parseTrainArgs(['--cosine-steps', '500']), false).learningRateSchedule,
    ).toEqual({
      type: 'cosine',
      steps: 500,
    });
    expect(trainOptionsFromArgs(parseTrainArgs([]), false).learningRateSchedule).toBeUndefined();
    expect(parseTrainArgs(['--ema', '0.99']).ema).toBe(0.99);
    expect(trainOptionsFromArgs(parseTrainArgs(['--ema', '0.99']), false).weightAverage).toBe(0.99);
    // Off (0 or absent) leaves the option out: the trainer's config stays as without it.
    expect('weightAverage' in trainOptionsFromArgs(parseTrainArgs(['--ema', '0']), false)).toBe(false);
    expect('weightAverage' in trainOptionsFromArgs(parseTrainArgs([]), true)).toBe(false);
    expect(parseTrainArgs(['--no-weights']).weights).toBe(false);
    expect(parseTrainArgs(['--w0', '5', '--class-weights', '1,2']).weights).toEqual({
      w0: 5,
      classWeights: [1, 2],
    });
  });

  it('rejects bad flags with one-line CliUsageErrors', () => {
    const bad = [
      ['--bogus'],
      ['--epochs', 'x'],
      ['--epochs', '0'],
      ['--lr', '-1'],
      ['--padding', 'full'],
      ['--backend', 'tpu'],
      ['--val-split', '1.5'],
      ['--images', 'a.tif'],
      ['--tile'],
      ['extra'],
      ['--no-weights', '--w0', '3'],
      ['--workers', '-1'],
      ['--workers', 'two'],
      ['--cosine-steps', '-5'],
      ['--ema', '1'],
      ['--ema', '-0.1'],
      ['--ema', 'NaN'],
    ];
    for (const argv of bad) {
      let err: unknown;
      try {
        parseTrainArgs(argv);
      } catch (e) {
        err = e;
      }
      expect(err, argv.join(' ')).toBeInstanceOf(CliUsageError);
      expect((err as Error).message).not.toContain('\n');
    }
    expect(() => parseTrainArgs(['--bogus'])).toThrow(/--bogus/);
  });

  it('parses predict flags and requires model, images and out', () => {
    expect(parsePredictArgs('--model m --images x.tif --out y.tif --tta --tile 64'.split(' '))).toMatchObject(
      {
        model: 'm',
        images: 'x.tif',
        out: 'y.tif',
        tta: true,
        tile: 64,
        backend: 'wasm',
      },
    );
    expect(() => parsePredictArgs(['--images', 'x.tif', '--out', 'y.tif'])).toThrow(/--model/);
  });

  it('documents every train flag in --help', () => {
    const h = helpText();
    for (const f of TRAIN_FLAGS) expect(h).toContain(f.flag);
  });
});
