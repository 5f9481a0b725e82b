// The reproduction's scores of predicted slices against their labels: full slices, the seed's centre
// crop, and where the errors lie. Shared by a single run and an ensemble of runs.
import { boundaryErrorProfile, centerCrop, evaluateSegmentation } from '../../metrics/index.js';
import type { BoundaryErrorProfile, SegmentationEvaluation } from '../../metrics/index.js';

/** Metrics of one evaluation (full slices or centre crops). */
export type EvalScores = Omit<SegmentationEvaluation, 'perSlice'>;

/** Scores of predicted class maps on full slices and on `cropSize`² centre crops. */
export interface SliceScores {
  full: EvalScores;
  crop: EvalScores & { size: number };
  boundaryErrors: BoundaryErrorProfile;
}

function withoutPerSlice(e: SegmentationEvaluation): EvalScores {
  const { perSlice: _p, ...rest } = e;
  return rest;
}

/** Scores `preds` against `truths` (class maps, one per slice); the crop is clamped to the slice. */
export function scoreSlices(
  preds: readonly Uint8Array[],
  truths: readonly Uint8Array[],
  width: number,
  height: number,
  cropSize: number,
): SliceScores {
  const size = Math.min(cropSize, width, height);
  const c = (m: Uint8Array): Uint8Array => centerCrop(m, width, height, size);
  return {
    full: withoutPerSlice(evaluateSegmentation([...preds], [...truths], width, height)),
    crop: { ...withoutPerSlice(evaluateSegmentation(preds.map(c), truths.map(c), size, size)), size },
    boundaryErrors: boundaryErrorProfile([...preds], [...truths], width, height),
  };
}

export const fmtPct = (v: number): string => `${(v * 100).toFixed(2)} %`;
export const fmt4 = (v: number): string => v.toFixed(4);

/** 'mean IoU …, pixel accuracy …, V_rand …, V_info …'. */
export function scoreLine(e: EvalScores): string {
  return (
    `mean IoU ${fmt4(e.meanIoU)}, pixel accuracy ${fmtPct(e.pixelAccuracy)}, ` +
    `V_rand ${fmt4(e.vRand)}, V_info ${fmt4(e.vInfo)}`
  );
}
