// reproduce-isbi --members: member processes, the mean of their maps and its scores, failures, options files.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DATA,
  hasData,
  tiffMaxAbsDiff,
  tiny as tinyBase,
  tmpDirs,
  writeTinyTestSlices,
} from './reproduceFixtures.js';
import { CliUsageError } from '../../src/node/args.js';
import { readTiffFile } from '../../src/node/files.js';
import { predictFiles } from '../../src/node/predict.js';
import { evaluateSegmentation } from '../../src/metrics/index.js';
import {
  parseReproduceArgs,
  ReproduceMemberError,
  runReproduceEnsemble,
  runReproduceIsbi,
} from '../../src/node/reproduce/index.js';
import type { ReproduceIsbiOptions } from '../../src/node/reproduce/index.js';
import { memberCliCandidates } from '../../src/node/reproduce/ensemble.js';
import { TrainConfigError } from '../../src/train/index.js';

if (!hasData) console.warn(`reproduce-isbi ensemble tests skipped: ISBI 2012 data not found in ${DATA}`);
const built = memberCliCandidates().some((u) => existsSync(fileURLToPath(u)));
if (!built) console.warn('reproduce-isbi ensemble tests skipped: the CLI is not built (npm run build)');

const dirs = tmpDirs('unet-ens-');
const tmp = dirs.make;
afterAll(dirs.cleanup);

/** The shared tiny configuration, with a 40² evaluation crop so crop and full slice differ. */
function tiny(out: string, extra: Partial<ReproduceIsbiOptions> = {}): ReproduceIsbiOptions {
  return tinyBase(out, { evalCrop: 40, ...extra });
}

const f32 = (pg: { data: ArrayLike<number> }): Float32Array => pg.data as Float32Array;

describe('reproduce-isbi --members (parsing)', () => {
  it('parses --members and reads --options files; flags override the file', () => {
    const d = tmp();
    const f = join(d, 'o.json');
    writeFileSync(f, JSON.stringify({ seed: 4, minutes: 2, labelOffset: [0.5, -0.25], members: 3 }));
    expect(parseReproduceArgs(['--options', f])).toEqual({
      seed: 4,
      minutes: 2,
      labelOffset: [0.5, -0.25],
      members: 3,
    });
    expect(parseReproduceArgs(['--seed', '9', '--options', f, '--members', '2'])).toMatchObject({
      seed: 9,
      members: 2,
      minutes: 2,
    });
    for (const bad of ['0', '9', 'x'])
      expect(() => parseReproduceArgs(['--members', bad]), bad).toThrow(CliUsageError);
    writeFileSync(f, JSON.stringify({ seed: 1, sede: 2 }));
    expect(() => parseReproduceArgs(['--options', f])).toThrow(/unknown option\(s\) sede/);
    writeFileSync(f, '[1]');
    expect(() => parseReproduceArgs(['--options', f])).toThrow(/expected a JSON object/);
    writeFileSync(f, '{');
    expect(() => parseReproduceArgs(['--options', f])).toThrow(CliUsageError);
    expect(() => parseReproduceArgs(['--options', join(d, 'missing.json')])).toThrow(CliUsageError);
  });

  it('rejects a bad member count or a nested ensemble before starting anything', async () => {
    const out = tmp();
    for (const members of [1, 9, 2.5])
      await expect(runReproduceEnsemble({ ...tiny(out), members })).rejects.toThrow(TrainConfigError);
    process.env.UNET_WASM_REPRODUCE_MEMBER = '1';
    try {
      await expect(runReproduceEnsemble({ ...tiny(out), members: 2 })).rejects.toThrow(
        /cannot start members of its own/,
      );
    } finally {
      delete process.env.UNET_WASM_REPRODUCE_MEMBER;
    }
    expect(existsSync(join(out, 'member-1'))).toBe(false);
  });
});

describe.skipIf(!hasData || !built)('reproduce-isbi --members end to end (tiny)', () => {
  it('trains the members with seeds seed, seed+1 and scores the mean of their maps', async () => {
    const out = tmp();
    let log = '';
    const r = await runReproduceEnsemble({
      ...tiny(out, { seed: 5 }),
      members: 2,
      stdout: { write: (s: string) => (log += s), isTTY: false },
    });
    expect(r.members.map((m) => m.seed)).toEqual([5, 6]);
    expect(r.members.map((m) => m.epochs)).toEqual([1, 1]);
    expect(log).toMatch(/^\[seed 5\] reproduce-isbi: seed 5,/m);
    expect(log).toMatch(/^\[seed 6\] reproduce-isbi: seed 6,/m);
    expect(log).toMatch(/Mean of the 2 members' probabilities/);
    // Each member's options file and outputs are in its folder.
    for (const k of [1, 2]) {
      const o = JSON.parse(
        readFileSync(join(out, `member-${k}`, 'options.json'), 'utf8'),
      ) as ReproduceIsbiOptions;
      expect(o.seed).toBe(4 + k);
      expect(o.threads).toBe(1);
      expect((o as { members?: number }).members).toBe(1); // a member never starts members
      expect(existsSync(join(out, `member-${k}`, 'model', 'model.json'))).toBe(true);
    }
    // The ensemble's maps are the mean of the members' maps.
    const m1 = await readTiffFile(join(out, 'member-1', 'validation-probabilities.tif'));
    const m2 = await readTiffFile(join(out, 'member-2', 'validation-probabilities.tif'));
    const mean = await readTiffFile(r.files.validationProbabilities);
    let worst = 0;
    let apart = 0;
    for (let i = 0; i < 64 * 64; i++) {
      const a = f32(m1[0]!)[i]!;
      const b = f32(m2[0]!)[i]!;
      worst = Math.max(worst, Math.abs(f32(mean[0]!)[i]! - (a + b) / 2));
      apart = Math.max(apart, Math.abs(a - b));
    }
    expect(worst).toBeLessThan(1e-6);
    expect(apart).toBeGreaterThan(1e-3); // different seeds, different models
    const t1 = await readTiffFile(join(out, 'member-1', 'test-probabilities.tif'));
    const t2 = await readTiffFile(join(out, 'member-2', 'test-probabilities.tif'));
    const tm = await readTiffFile(r.files.testProbabilities!);
    expect(tm.length).toBe(2);
    for (let s = 0; s < 2; s++)
      for (let i = 0; i < 64 * 64; i += 97)
        expect(f32(tm[s]!)[i]).toBeCloseTo((f32(t1[s]!)[i]! + f32(t2[s]!)[i]!) / 2, 6);
    // Its scores: the mean thresholded at 0.5 against slice 29's labels, full and the 40² centre crop.
    const labels = await readTiffFile(join(DATA, 'train-labels.tif'), { pages: [29] });
    const lab = labels[0]!;
    const truth = new Uint8Array(64 * 64);
    for (let y = 0; y < 64; y++)
      for (let x = 0; x < 64; x++) truth[y * 64 + x] = lab.data[y * lab.width + x]! > 0 ? 1 : 0;
    const pred = Uint8Array.from(f32(mean[0]!), (v) => (v > 0.5 ? 1 : 0));
    const full = evaluateSegmentation([pred], [truth], 64, 64);
    expect(r.full.meanIoU).toBeCloseTo(full.meanIoU, 10);
    expect(r.full.pixelAccuracy).toBeCloseTo(full.pixelAccuracy, 10);
    const c = (m: Uint8Array): Uint8Array => {
      const o = new Uint8Array(40 * 40);
      for (let y = 0; y < 40; y++) o.set(m.subarray((y + 12) * 64 + 12, (y + 12) * 64 + 52), y * 40);
      return o;
    };
    const crop = evaluateSegmentation([c(pred)], [c(truth)], 40, 40);
    expect(r.crop.size).toBe(40);
    expect(r.crop.pixelAccuracy).toBeCloseTo(crop.pixelAccuracy, 10);
    expect(r.crop.meanIoU).toBeCloseTo(crop.meanIoU, 10);
    // `predict --model <ensemble out>` runs every member and averages: the run's test maps again.
    const images = join(out, 'raw.tif');
    await writeTinyTestSlices(images);
    const pr = await predictFiles({ model: out, images, out: join(out, 'predicted.tif') });
    expect(pr.modelDirs).toEqual([1, 2].map((k) => join(out, `member-${k}`, 'model')));
    expect(await tiffMaxAbsDiff(pr.probabilities, r.files.testProbabilities!)).toBeLessThan(1e-4);
    const again = await readTiffFile(pr.probabilities);
    const labelsOut = await readTiffFile(pr.labels);
    expect(labelsOut[0]!.data[0]).toBe(f32(again[0]!)[0]! > 0.5 ? 255 : 0);
    const summary = JSON.parse(readFileSync(r.files.summary, 'utf8')) as { members: unknown[] };
    expect(summary.members.length).toBe(2);
    expect(existsSync(r.files.report)).toBe(true);
    // The report shows every member's curves, which are in the members' folders.
    const html = readFileSync(r.files.report, 'utf8');
    for (const k of [1, 2]) {
      expect(html).toContain(`<img src="member-${k}/loss.png"`);
      expect(existsSync(join(out, `member-${k}`, 'loss.png'))).toBe(true);
      expect(existsSync(join(out, `member-${k}`, 'metrics.png'))).toBe(true);
    }
  });

  it('a member equals a single run with its seed', async () => {
    const out = tmp();
    const r = await runReproduceEnsemble({ ...tiny(out, { seed: 3, testSlices: [] }), members: 2 });
    const single = await runReproduceIsbi(tiny(tmp(), { seed: 4, testSlices: [] }));
    expect(r.members[1]!.full.meanIoU).toBeCloseTo(single.full.meanIoU, 5);
    expect(
      await tiffMaxAbsDiff(
        join(out, 'member-2', 'validation-probabilities.tif'),
        single.files.validationProbabilities,
      ),
    ).toBeLessThan(1e-5);
    expect(r.files.testProbabilities).toBeNull();
  });

  it('resumes each member from its own last checkpoint, exactly', async () => {
    const out = tmp();
    await runReproduceEnsemble({ ...tiny(out, { seed: 5, testSlices: [] }), members: 2 });
    let log = '';
    const r = await runReproduceEnsemble({
      ...tiny(out, { seed: 5, epochs: 2, testSlices: [] }),
      members: 2,
      resume: true,
      stdout: { write: (s: string) => (log += s), isTTY: false },
    });
    expect(log).toMatch(/resuming each member/);
    // Each member trained only epoch 2: epoch 1 came from its checkpoint.
    for (const seed of [5, 6]) {
      expect(log).toMatch(new RegExp(`^\\[seed ${seed}\\] epoch 2/2 `, 'm'));
      expect(log).not.toMatch(new RegExp(`^\\[seed ${seed}\\] epoch 1/`, 'm'));
    }
    expect(r.members.map((m) => m.epochs)).toEqual([2, 2]);
    for (const k of [1, 2]) {
      const o = JSON.parse(
        readFileSync(join(out, `member-${k}`, 'options.json'), 'utf8'),
      ) as ReproduceIsbiOptions;
      expect(o.resume).toBe(true);
    }
    // Member 2 (seed 6) trained 1 + 1 epochs; one uninterrupted 2-epoch run of seed 6 gives its maps.
    const single = await runReproduceIsbi(tiny(tmp(), { seed: 6, epochs: 2, testSlices: [] }));
    expect(
      await tiffMaxAbsDiff(
        join(out, 'member-2', 'validation-probabilities.tif'),
        single.files.validationProbabilities,
      ),
    ).toBeLessThan(1e-5);
    // Another seed does not match the members' checkpoints: the member says so.
    const err = await runReproduceEnsemble({
      ...tiny(out, { seed: 8, epochs: 3, testSlices: [] }),
      members: 2,
      resume: true,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReproduceMemberError);
    expect((err as Error).message).toMatch(/cannot resume: the checkpoint was made with different options/);
  });

  it('an abort (Ctrl-C) stops every member, which still evaluate; the mean is scored', async () => {
    const ctl = new AbortController();
    let log = '';
    const r = await runReproduceEnsemble({
      ...tiny(tmp(), { epochs: 1000, testSlices: [] }),
      members: 2,
      signal: ctl.signal,
      stdout: {
        write: (s: string) => {
          log += s;
          // Both members have finished an epoch: stop them.
          if ((log.match(/\] epoch 1\//g) ?? []).length === 2) ctl.abort();
          return true;
        },
        isTTY: false,
      },
    });
    expect(r.members.map((m) => m.stoppedBy)).toEqual(['signal', 'signal']);
    for (const m of r.members) expect(m.epochs).toBeLessThan(1000);
    expect(existsSync(r.files.validationProbabilities)).toBe(true);
  });

  it('reports a failed member with its exit code and error output', async () => {
    const out = tmp();
    const err = await runReproduceEnsemble({
      ...tiny(out, { data: join(out, 'no-such-dir') }),
      members: 2,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReproduceMemberError);
    expect((err as Error).message).toMatch(/\[seed 1\] exited with code [1-9]/);
    expect((err as Error).message).toMatch(/no-such-dir/);
  });
});
