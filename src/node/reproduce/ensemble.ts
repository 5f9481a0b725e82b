// `reproduce-isbi --members K`: K reproductions at once, one process each (seeds seed … seed+K−1),
// then the mean of their probability maps is scored. On this 2-core machine two one-thread
// processes train about 1.25× faster in total than one two-thread process, and averaging models
// trained from different seeds removes part of their independent errors.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareLabels, formatDuration, TrainConfigError } from '../../train/index.js';
import { readTiffFile } from '../readTiffFile.js';
import { writeTiffFile } from '../files.js';
import { writeReport } from '../report.js';
import { readStack } from '../stacks.js';
import type { OutStream } from '../progressLine.js';
import { REPRODUCE_DEFAULTS, reproduceOutDir } from './options.js';
import type { ReproduceIsbiOptions } from './options.js';
import type { ReproduceFiles, ReproduceIsbiResult } from './reproduceIsbi.js';
import { boundaryErrorLine, summaryTable, ttaNote } from './reproduceIsbi.js';
import { fmt4, fmtPct, scoreLine, scoreSlices } from './scoreSlices.js';
import type { SliceScores } from './scoreSlices.js';
import { cropStack, pickSlices } from './volume.js';

/** Most members one command runs. */
export const MAX_MEMBERS = 8;

/** Options of `runReproduceEnsemble`: those of a single run, plus the member count. */
export interface ReproduceEnsembleOptions extends ReproduceIsbiOptions {
  /**
   * Models trained at once, each in its own process with seed `seed + k` and
   * `threads` (default: the CPUs divided among them, at least 1) compute threads; 2–8.
   */
  members: number;
}

/** One member's run, as the ensemble reports it. */
export type MemberSummary = Pick<
  ReproduceIsbiResult,
  | 'out'
  | 'seed'
  | 'epochs'
  | 'bestEpoch'
  | 'evaluated'
  | 'stoppedBy'
  | 'wallSeconds'
  | 'trainSeconds'
  | 'full'
  | 'crop'
>;

/** What `runReproduceEnsemble` resolves to (also written to `summary.json`). */
export interface ReproduceEnsembleResult extends SliceScores {
  out: string;
  seed: number;
  members: MemberSummary[];
  validationSlices: number[];
  tta: boolean;
  /** Whether the test volume's maps averaged the 8 views too. */
  testTta: boolean;
  /** Whole command, seconds. */
  wallSeconds: number;
  /** Reading, averaging and scoring the members' maps, seconds. */
  ensembleSeconds: number;
  majorityBaseline: number;
  files: ReproduceFiles;
  load: { start: number; end: number };
}

/** A member process failed: its exit code or signal and the end of its error output. */
export class ReproduceMemberError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReproduceMemberError';
  }
}

/** Set in a member's environment: a member never starts members itself (no process cascade). */
const MEMBER_ENV = 'UNET_WASM_REPRODUCE_MEMBER';

/** Minutes kept back from the members' budget for averaging, scoring and writing. */
const ENSEMBLE_RESERVE_MINUTES = 1;

/** The built CLI the members run: next to this module in dist/, or dist/ when running from src/ (tests). */
export function memberCliCandidates(here: string = import.meta.url): URL[] {
  const out = [new URL('../cli.js', here)];
  if (/\/src\/node\/reproduce\/[^/]+\.ts$/.test(new URL(here).pathname)) {
    out.push(new URL('../../../dist/node/cli.js', here));
  }
  return out;
}

function memberCli(): string {
  const c = memberCliCandidates().map((u) => fileURLToPath(u));
  const found = c.find((p) => existsSync(p));
  if (!found) {
    throw new TrainConfigError(
      `ensemble members need the built CLI (${c.join(' or ')} is missing): npm run build`,
    );
  }
  return found;
}

/** Runs one member process; its lines go to `stdout` behind `prefix`. Resolves when it exits with 0. */
function runMember(
  cli: string,
  optionsFile: string,
  prefix: string,
  stdout: OutStream,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [cli, 'reproduce-isbi', '--options', optionsFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, [MEMBER_ENV]: '1' },
      // Its own process group: a terminal's Ctrl-C reaches only this process, which passes on one
      // SIGINT (a second one makes the CLI quit without outputs).
      detached: true,
    });
    // If this process exits first (a second Ctrl-C), the member goes with it.
    const killOnExit = (): void => {
      child.kill('SIGKILL');
    };
    process.once('exit', killOnExit);
    let partial = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      for (const l of lines) stdout.write(`${prefix}${l}\n`);
    });
    let errTail = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      errTail = (errTail + chunk).slice(-4000);
    });
    // Ctrl-C: the members stop training, then evaluate and write their outputs as a single run does.
    const onAbort = (): void => {
      child.kill('SIGINT');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => {
      signal?.removeEventListener('abort', onAbort);
      fail(new ReproduceMemberError(`${prefix}could not start: ${e.message}`));
    });
    child.on('close', (code, sig) => {
      signal?.removeEventListener('abort', onAbort);
      process.removeListener('exit', killOnExit);
      if (partial) stdout.write(`${prefix}${partial}\n`);
      if (code === 0) done();
      else
        fail(
          new ReproduceMemberError(
            `${prefix}exited with ${code !== null ? `code ${code}` : `signal ${sig}`}${errTail ? `:\n${errTail.trim()}` : ''}`,
          ),
        );
    });
  });
}

/** Mean of the members' pages, page by page (all members wrote the same slices and sizes). */
async function meanOfTiffs(
  paths: readonly string[],
): Promise<{ width: number; height: number; data: Float32Array }[]> {
  let sum: { width: number; height: number; data: Float32Array }[] = [];
  for (const [k, p] of paths.entries()) {
    const pages = await readTiffFile(p);
    if (k === 0)
      sum = pages.map((pg) => ({
        width: pg.width,
        height: pg.height,
        data: new Float32Array(pg.data.length),
      }));
    if (
      pages.length !== sum.length ||
      pages.some((pg, i) => pg.width !== sum[i]!.width || pg.height !== sum[i]!.height)
    )
      throw new ReproduceMemberError(`${p} does not have the pages of ${paths[0]}`);
    pages.forEach((pg, i) => {
      const d = sum[i]!.data;
      const src = pg.data;
      for (let j = 0; j < d.length; j++) d[j]! += src[j]! / paths.length;
    });
  }
  return sum;
}

/**
 * Trains `members` reproductions at once (one process each, seeds `seed` … `seed + members − 1`,
 * each with the whole budget less one minute), then averages their probability maps of the
 * validation slices and of the test volume and scores the mean like a single run. Member outputs
 * stay in `<out>/member-<k>/` (models, maps, reports). With `resume`, member k continues from
 * `<out>/member-<k>/checkpoints/last` as a single run would (each with a fresh budget), so the
 * seed must be the one the members started with. Needs the built CLI (`npm run build`).
 */
export async function runReproduceEnsemble(
  options: ReproduceEnsembleOptions,
): Promise<ReproduceEnsembleResult> {
  const t0 = Date.now();
  const load0 = loadavg()[0]!;
  const d = REPRODUCE_DEFAULTS;
  const { members: k, stdout: stdoutOpt, signal, ...base } = options;
  const stdout = stdoutOpt ?? process.stdout;
  if (!Number.isInteger(k) || k < 2 || k > MAX_MEMBERS)
    throw new TrainConfigError(`members must be an integer in [2, ${MAX_MEMBERS}], got ${k}`);
  const seed = base.seed ?? d.seed;
  if (!Number.isInteger(seed)) throw new TrainConfigError(`seed must be an integer, got ${seed}`);
  const minutes = base.minutes ?? d.minutes;
  if (!(minutes > 0)) throw new TrainConfigError(`minutes must be > 0, got ${minutes}`);
  if (process.env[MEMBER_ENV])
    throw new TrainConfigError(
      'an ensemble member cannot start members of its own (members must be 1 there)',
    );
  const memberMinutes = Math.max(minutes - ENSEMBLE_RESERVE_MINUTES, minutes / 2);
  const threads = base.threads ?? Math.max(1, Math.floor(availableParallelism() / k));
  const out = reproduceOutDir({ ...base, seed });
  const cli = memberCli();
  mkdirSync(out, { recursive: true });
  const seeds = Array.from({ length: k }, (_, i) => seed + i);
  const memberOut = seeds.map((_, i) => join(out, `member-${i + 1}`));
  stdout.write(
    `reproduce-isbi ensemble: ${k} members (seeds ${seeds.join(', ')}), ${threads} thread${threads > 1 ? 's' : ''} each, ` +
      `budget ${minutes} min (members ${memberMinutes} min)${base.resume ? ', resuming each member' : ''}` +
      `${base.warmStart ? ', each member starting from its own model' : ''}${base.pseudoLabels ? `, pseudo-labels ${base.pseudoLabels}` : ''}, ` +
      `out ${out}, load average ${load0.toFixed(1)}\n`,
  );
  const files = seeds.map((s, i) => {
    mkdirSync(memberOut[i]!, { recursive: true });
    const f = join(memberOut[i]!, 'options.json');
    // members: 1, or the member would start an ensemble of its own (the default is 2).
    const o: ReproduceIsbiOptions & { members: 1 } = {
      members: 1,
      ...base,
      seed: s,
      out: memberOut[i]!,
      minutes: memberMinutes,
      threads,
      quiet: true,
    };
    writeFileSync(f, `${JSON.stringify(o, null, 2)}\n`);
    return f;
  });
  const results = await Promise.allSettled(
    files.map((f, i) => runMember(cli, f, `[seed ${seeds[i]}] `, stdout, signal)),
  );
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length > 0) throw failed[0]!.reason as Error;

  // ---- the mean of the members' maps ----
  const tEns = Date.now();
  const summaries = memberOut.map(
    (o) => JSON.parse(readFileSync(join(o, 'summary.json'), 'utf8')) as ReproduceIsbiResult,
  );
  const first = summaries[0]!;
  const valProb = await meanOfTiffs(summaries.map((s) => s.files.validationProbabilities));
  const { width, height } = valProb[0]!;
  const valSlices = first.validationSlices;
  const dataDir = base.data ?? d.data;
  const labels = pickSlices(
    cropStack(await readStack(join(dataDir, 'train-labels.tif'), 'label'), base.crop),
    valSlices,
    'validation',
  );
  const images = pickSlices(
    cropStack(await readStack(join(dataDir, 'train-volume.tif'), 'image'), base.crop),
    valSlices,
    'validation',
  );
  const plane = width * height;
  const classes = prepareLabels(labels.data, 2);
  const truths = valSlices.map((_, i) => classes.subarray(i * plane, (i + 1) * plane));
  // Class 1 where its mean probability beats class 0's, the rule of predictTiled.
  const preds = valProb.map((p) => Uint8Array.from(p.data, (v) => (v > 0.5 ? 1 : 0)));
  const scores = scoreSlices(preds, truths, width, height, base.evalCrop ?? d.evalCrop);
  const outFiles: ReproduceEnsembleResult['files'] = {
    report: join(out, 'report.html'),
    validationProbabilities: join(out, 'validation-probabilities.tif'),
    testProbabilities: first.files.testProbabilities ? join(out, 'test-probabilities.tif') : null,
    summary: join(out, 'summary.json'),
  };
  await writeTiffFile(outFiles.validationProbabilities, valProb, { compression: 'deflate' });
  if (outFiles.testProbabilities) {
    const test = await meanOfTiffs(summaries.map((s) => s.files.testProbabilities!));
    await writeTiffFile(outFiles.testProbabilities, test, { compression: 'deflate' });
  }
  const memberSummaries: MemberSummary[] = summaries.map((s) => ({
    out: s.out,
    seed: s.seed,
    epochs: s.epochs,
    bestEpoch: s.bestEpoch,
    evaluated: s.evaluated,
    stoppedBy: s.stoppedBy,
    wallSeconds: s.wallSeconds,
    trainSeconds: s.trainSeconds,
    full: s.full,
    crop: s.crop,
  }));
  const memberLine = (m: MemberSummary): string =>
    `seed ${m.seed}: ${m.epochs} epochs, ${m.evaluated}, full ${fmt4(m.full.meanIoU)} / ${fmtPct(m.full.pixelAccuracy)}, ` +
    `${m.crop.size}² ${fmt4(m.crop.meanIoU)} / ${fmtPct(m.crop.pixelAccuracy)}, wall ${formatDuration(m.wallSeconds)}`;
  const ensembleSeconds = (Date.now() - tEns) / 1000;
  const wallSeconds = (Date.now() - t0) / 1000;
  const load1 = loadavg()[0]!;
  writeReport({
    outDir: out,
    title: `unet-wasm: ISBI 2012 reproduction, ensemble of ${k} (seeds ${seeds.join(', ')})`,
    // Main curves: the first member's; below them every member's, from its own report's folder.
    history: first.history,
    config: first.config,
    majorityBaseline: first.majorityBaseline,
    bestEpoch: first.bestEpoch,
    overlays: valSlices.map((s, i) => ({
      slice: s,
      image: images.data.subarray(i * plane, (i + 1) * plane),
      label: truths[i]!,
      pred: preds[i]!,
      width,
      height,
    })),
    moreCurves: memberSummaries.map((m, i) => ({
      name: `member ${i + 1} (seed ${m.seed})`,
      dir: `member-${i + 1}`,
    })),
    notes: {
      [`mean of ${k} members on slices ${valSlices.join(', ')}, full ${width}×${height}`]: scoreLine(
        scores.full,
      ),
      [`mean of ${k} members, ${scores.crop.size}² centre crop`]: scoreLine(scores.crop),
      'errors by distance to the true boundary (full slices)': boundaryErrorLine(scores.boundaryErrors),
      ...Object.fromEntries(
        memberSummaries.map((m, i) => [`member ${i + 1} (member-${i + 1}/report.html)`, memberLine(m)]),
      ),
      curves: `member 1 (seed ${first.seed}) at the top; every member's below it`,
      'test-time augmentation': ttaNote(first.tta, first.testTta),
      'wall time (whole command)': formatDuration(wallSeconds),
      'load average (1 min) start / end': `${load0.toFixed(1)} / ${load1.toFixed(1)}`,
    },
  });
  const result: ReproduceEnsembleResult = {
    out,
    seed,
    members: memberSummaries,
    validationSlices: valSlices,
    tta: first.tta,
    testTta: first.testTta,
    wallSeconds,
    ensembleSeconds,
    majorityBaseline: first.majorityBaseline,
    ...scores,
    files: outFiles,
    load: { start: load0, end: load1 },
  };
  writeFileSync(outFiles.summary, `${JSON.stringify(result, null, 2)}\n`);
  stdout.write(
    `\nMembers:\n${memberSummaries.map((m) => `  ${memberLine(m)}`).join('\n')}\n` +
      `\nMean of the ${k} members' probabilities:\n${summaryTable({ ...scores, validationSlices: valSlices })}\n\n` +
      `Errors by distance to the true boundary: ${boundaryErrorLine(scores.boundaryErrors)}.\n` +
      `Wall time ${formatDuration(wallSeconds)} (averaging and scoring ${formatDuration(ensembleSeconds)}); ` +
      `load average ${load0.toFixed(1)} → ${load1.toFixed(1)}.\n` +
      `Report: ${outFiles.report}\nProbabilities: ${outFiles.validationProbabilities}` +
      `${outFiles.testProbabilities ? `, ${outFiles.testProbabilities}` : ''}\n`,
  );
  return result;
}
