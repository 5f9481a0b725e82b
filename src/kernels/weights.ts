// JS wrappers of the weights kernels (assembly/weights). Inputs are validated by src/weights; the
// kernels validate again and return negative codes, which become WeightsInputError here.
import { WeightsInputError } from '../weights/errors.js';
import { copyOut, kernel, withScope } from './memory.js';

type LabelFn = (mask: number, w: number, h: number, conn: number, labels: number, parent: number) => number;
type EdtFn = (mask: number, w: number, h: number, out: number, g: number, v: number, hv: number) => number;
type MapFn = (
  labels: number,
  w: number,
  h: number,
  count: number,
  w0: number,
  sigma: number,
  balanced: number,
  wBg: number,
  wFg: number,
  out: number,
  d1: number,
  d2: number,
  g: number,
  v: number,
  hv: number,
  box: number,
  rows: number,
  runs: number,
  runU: number,
) => number;

const MESSAGES: Record<number, string> = {
  [-1]: 'image size out of range',
  [-2]: 'invalid option',
  [-3]: 'label image holds a value outside 0..count',
};

/** Scratch bytes of weightsLabel: row starts, then [start, end) and a parent entry per run. */
function labelScratchBytes(width: number, height: number): number {
  return 4 * (height + 1) + 12 * Math.ceil(width / 2) * height;
}

function check(code: number, what: string): number {
  if (code < 0) throw new WeightsInputError(`${what}: ${MESSAGES[code] ?? `kernel error ${code}`}`);
  return code;
}

/** Connected components in WASM; see labelComponents. */
export function wasmLabelComponents(
  mask: Uint8Array,
  width: number,
  height: number,
  connectivity: 4 | 8,
): { labels: Int32Array; count: number } {
  const n = width * height;
  return withScope((s) => {
    const m = s.input(mask);
    // Every output element is written by the kernel: no need to zero-fill.
    const labels = s.alloc(4 * n);
    const scratch = s.alloc(labelScratchBytes(width, height));
    const count = check(
      kernel<LabelFn>('weightsLabel')(m, width, height, connectivity, labels, scratch),
      'labelComponents',
    );
    return { labels: copyOut(Int32Array, labels, n), count };
  });
}

/** Exact EDT in WASM; see distanceTransform. */
export function wasmDistanceTransform(mask: Uint8Array, width: number, height: number): Float32Array {
  const n = width * height;
  return withScope((s) => {
    const m = s.input(mask);
    const out = s.alloc(4 * n);
    const g = s.alloc(4 * n);
    const v = s.alloc(4 * width);
    const hv = s.alloc(4 * width);
    check(kernel<EdtFn>('weightsEdt')(m, width, height, out, g, v, hv), 'distanceTransform');
    return copyOut(Float32Array, out, n);
  });
}

/** Resolved weight-map parameters handed to the kernel. */
export interface WasmWeightMapParams {
  w0: number;
  sigma: number;
  /** null = balanced. */
  classWeights: readonly [number, number] | null;
  connectivity: 4 | 8;
}

/** Weight map in WASM (labelling included); see weightMap. */
export function wasmWeightMap(
  label: Uint8Array,
  width: number,
  height: number,
  p: WasmWeightMapParams,
): Float32Array {
  const n = width * height;
  return withScope((s) => {
    const m = s.input(label);
    const labels = s.alloc(4 * n);
    // The labelling scratch is dead once labelling is done; the map reuses it for the vertical pass.
    const scratch = s.alloc(Math.max(labelScratchBytes(width, height), 4 * n));
    const count = check(
      kernel<LabelFn>('weightsLabel')(m, width, height, p.connectivity, labels, scratch),
      'weightMap',
    );
    const out = s.alloc(4 * n);
    const d1 = s.alloc(4 * n);
    const d2 = s.alloc(4 * n);
    const v = s.alloc(4 * width);
    const hv = s.alloc(4 * width);
    const box = s.alloc(16 * (count + 1));
    // Background runs: at most ceil(width / 2) [start, end) pairs per row.
    const rows = s.alloc(4 * (height + 1));
    const runs = s.alloc(8 * Math.ceil(width / 2) * height);
    const runU = s.alloc(4 * Math.ceil(width / 2) * height);
    const cw = p.classWeights;
    check(
      kernel<MapFn>('weightsMap')(
        labels,
        width,
        height,
        count,
        p.w0,
        p.sigma,
        cw ? 0 : 1,
        cw ? cw[0] : 1,
        cw ? cw[1] : 1,
        out,
        d1,
        d2,
        scratch,
        v,
        hv,
        box,
        rows,
        runs,
        runU,
      ),
      'weightMap',
    );
    return copyOut(Float32Array, out, n);
  });
}
