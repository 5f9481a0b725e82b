import { connectedComponents, thinBoundaries } from './components.js';
import { checkPair, checkSize } from './errors.js';

/**
 * Contingency counts of one slice for the ISBI 2012 foreground-restricted scores: pixel counts
 * `n_ij` of (truth segment i, predicted segment j) over the ground-truth foreground, and the
 * marginals. See {@link segmentationScores} for the procedure.
 */
export interface SegmentContingency {
  /** Pixels counted (non-boundary pixels of the truth). */
  n: number;
  /** Σ_ij n_ij², Σ_i a_i² (truth segment sizes), Σ_j b_j² (predicted segment sizes), in pixel counts. */
  sumPair2: number;
  sumTruth2: number;
  sumPred2: number;
  /** Joint counts and marginals, for the entropies. */
  pairCounts: number[];
  truthCounts: number[];
  predCounts: number[];
}

/**
 * Builds the contingency of one slice. `pred` and `truth` are class maps (0 = membrane / boundary,
 * anything else = inside a cell). Segments are the 4-connected components of the non-boundary
 * pixels; the predicted boundaries are thinned away ({@link thinBoundaries}); only pixels that are
 * non-boundary in the truth are counted.
 */
export function segmentContingency(
  pred: ArrayLike<number>,
  truth: ArrayLike<number>,
  width: number,
  height: number,
): SegmentContingency {
  checkPair(pred, truth);
  checkSize(truth, width, height);
  const gt = connectedComponents(truth, width, height);
  const seg = connectedComponents(pred, width, height);
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) mask[i] = gt.labels[i] !== 0 ? 1 : 0;
  const pl = thinBoundaries(seg.labels, mask, width, height);
  const stride = seg.count + 2;
  const pairs = new Map<number, number>();
  const truthCounts = new Array<number>(gt.count + 1).fill(0);
  const predCounts = new Array<number>(stride).fill(0);
  let n = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const a = gt.labels[i]!;
    const b = pl[i]!;
    n++;
    truthCounts[a]!++;
    predCounts[b]!++;
    const key = a * stride + b;
    pairs.set(key, (pairs.get(key) ?? 0) + 1);
  }
  const sq = (xs: Iterable<number>): number => {
    let s = 0;
    for (const x of xs) s += x * x;
    return s;
  };
  const pairCounts = [...pairs.values()];
  const tc = truthCounts.filter((c) => c > 0);
  const pc = predCounts.filter((c) => c > 0);
  return {
    n,
    sumPair2: sq(pairCounts),
    sumTruth2: sq(tc),
    sumPred2: sq(pc),
    pairCounts,
    truthCounts: tc,
    predCounts: pc,
  };
}

function entropy(counts: number[], n: number): number {
  let h = 0;
  for (const c of counts) {
    if (c > 0) {
      const p = c / n;
      h -= p * Math.log(p);
    }
  }
  return h;
}

/** Foreground-restricted Rand and information-theoretic scores (1 = perfect) with split/merge parts. */
export interface SegmentationScores {
  /** V_rand (α = 0.5): Σp_ij² / (½Σt_i² + ½Σs_j²), the F-score of the two below. */
  vRand: number;
  /** Σp_ij² / Σt_i² (t = truth): 1 when no true segment is split. */
  vRandSplit: number;
  /** Σp_ij² / Σs_j² (s = prediction): 1 when no true segments are merged. */
  vRandMerge: number;
  /** V_info (α = 0.5): I(S;T) / (½H(T) + ½H(S)). */
  vInfo: number;
  /** I(S;T) / H(S): 1 when no split. */
  vInfoSplit: number;
  /** I(S;T) / H(T): 1 when no merge. */
  vInfoMerge: number;
}

/** Scores from a contingency. Degenerate cases (one segment each, so 0/0) score 1. */
export function scoresFromContingency(c: SegmentContingency): SegmentationScores {
  if (c.n === 0) return { vRand: 1, vRandSplit: 1, vRandMerge: 1, vInfo: 1, vInfoSplit: 1, vInfoMerge: 1 };
  const vRand = (2 * c.sumPair2) / (c.sumTruth2 + c.sumPred2);
  const hT = entropy(c.truthCounts, c.n);
  const hS = entropy(c.predCounts, c.n);
  const hTS = entropy(c.pairCounts, c.n);
  const mi = Math.max(0, hT + hS - hTS);
  const ratio = (num: number, den: number): number => (den > 1e-12 ? Math.min(1, num / den) : 1);
  return {
    vRand,
    vRandSplit: c.sumPair2 / c.sumTruth2,
    vRandMerge: c.sumPair2 / c.sumPred2,
    vInfo: ratio(mi, 0.5 * (hT + hS)),
    vInfoSplit: ratio(mi, hS),
    vInfoMerge: ratio(mi, hT),
  };
}

/**
 * ISBI 2012 foreground-restricted V_rand and V_info of one slice (Arganda-Carreras et al. 2015),
 * membrane (class 0) as boundary:
 * 1. segments = 4-connected components of the non-membrane pixels, in the truth and in the prediction;
 * 2. the predicted membrane is thinned away: its pixels repeatedly take the largest segment label in
 *    their 3×3 neighbourhood until no truth-foreground pixel is unassigned (the organisers' Python
 *    `thin_boundaries`; Fiji's `getMaximalVRandAfterThinning` also thins before scoring);
 * 3. only pixels that are non-membrane in the truth are counted (foreground restriction);
 * 4. with p_ij the joint distribution of (truth segment, predicted segment) over those pixels,
 *    V_rand = Σp_ij² / (½Σt_i² + ½Σs_j²) and V_info = I / (½H(T) + ½H(S)).
 * Fiji additionally takes the best score over binarisation thresholds of a probability map; here the
 * map is already binary (see `maximalScoresOverThresholds` for the threshold sweep).
 */
export function segmentationScores(
  pred: ArrayLike<number>,
  truth: ArrayLike<number>,
  width: number,
  height: number,
): SegmentationScores {
  return scoresFromContingency(segmentContingency(pred, truth, width, height));
}

/** Foreground-restricted V_rand after thinning of one slice; see {@link segmentationScores}. */
export function vRand(
  pred: ArrayLike<number>,
  truth: ArrayLike<number>,
  width: number,
  height: number,
): number {
  return segmentationScores(pred, truth, width, height).vRand;
}

/** Foreground-restricted V_info after thinning of one slice; see {@link segmentationScores}. */
export function vInfo(
  pred: ArrayLike<number>,
  truth: ArrayLike<number>,
  width: number,
  height: number,
): number {
  return segmentationScores(pred, truth, width, height).vInfo;
}
