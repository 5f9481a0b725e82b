// The convolution gradients on tfjs-wasm's own heap (nnShared.ts): the arguments are byte offsets
// of tensors in that heap, the kernels read and write them in place, and the helper thread takes
// its share of the images by pointer. Same kernels, same partition and the same order of the final
// sum as the copying wrappers in nn.ts, so the results are bit-identical to theirs. They return
// false (and do nothing) where those wrappers must pad channels, or when no shared heap of `owner`
// is attached: the caller then copies.
import {
  checkGeometry,
  dyBorder,
  filterKernelArgs,
  finishSplit,
  inputKernelArgs,
  NnKernelError,
  shareHelper,
  splitImages,
  type Conv2dGeometry,
} from './nn.js';
import type { NnHelper } from './nnHelper.js';
import { checkRc, nnShared, type NnShared } from './nnShared.js';

/** The helper, if it should take a share of this call and runs on the same heap. */
function sharedHelper(nn: NnShared): NnHelper | null {
  const helper = shareHelper();
  return helper !== null && helper.hasShared(nn.memory) ? helper : null;
}

/**
 * Runs the first share of the images here and the second (fixed by the shape, see splitImages) on
 * the helper, or here after the first when there is no helper or it failed. `helperFailed`: the
 * helper did not finish, so scratch it may still write must not be freed.
 */
function runSplit(
  nn: NnShared,
  name: 'nnConv2dBackpropFilter' | 'nnConv2dBackpropInput' | 'nnConv2dBackpropInputNarrow',
  g: Conv2dGeometry,
  args: (first: number, count: number) => number[],
): { helperFailed: boolean } {
  const run = nn.fn(name);
  const split = splitImages(g);
  const helper = split > 0 ? sharedHelper(nn) : null;
  const mine = split || g.batch;
  const theirs = g.batch - mine;
  if (theirs > 0 && helper !== null) helper.startShared(name, args(mine, theirs));
  const t0 = performance.now();
  let rc = 0;
  let helped = false;
  try {
    rc = run(...args(0, mine));
  } finally {
    // Whatever happened here, the helper must be done before the caller frees anything it uses.
    if (theirs > 0 && helper !== null) helped = finishSplit(helper, t0, performance.now());
  }
  checkRc(rc, name);
  if (theirs > 0 && !helped) checkRc(run(...args(mine, theirs)), name);
  return { helperFailed: theirs > 0 && helper !== null && !helped };
}

/**
 * Filter gradient (see nn.ts conv2dBackpropFilter) of tensors in the shared heap of `owner`:
 * x, dy and dw are byte offsets there. False when not applicable (no such heap, or channel
 * counts that need padding: inC % 4 or outC % 8).
 */
export function conv2dBackpropFilterInPlace(
  owner: unknown,
  x: number,
  dy: number,
  g: Conv2dGeometry,
  dw: number,
): boolean {
  const nn = nnShared(owner);
  if (nn === null || g.inC % 4 !== 0 || g.outC % 8 !== 0) return false;
  checkGeometry(g);
  const dwFloats = g.filterH * g.filterW * g.inC * g.outC;
  const xImg = g.inH * g.inW * g.inC * 4;
  const dyImg = g.outH * g.outW * g.outC * 4;
  const zero = nn.fn('nnZero');
  checkRc(zero(dw, dwFloats * 4), 'nnZero');
  const split = splitImages(g);
  // The second share sums into its own dw, added last, as nn.ts does with or without the helper.
  const dw2 = split > 0 ? nn.heap.malloc(dwFloats * 4) : 0;
  if (split > 0 && dw2 === 0) throw new NnKernelError('conv2dBackpropFilter: out of heap memory');
  let leak = false;
  try {
    if (dw2 !== 0) checkRc(zero(dw2, dwFloats * 4), 'nnZero');
    const { helperFailed } = runSplit(nn, 'nnConv2dBackpropFilter', g, (first, count) => [
      x + first * xImg,
      dy + first * dyImg,
      first === 0 ? dw : dw2,
      ...filterKernelArgs(g, count, g.inC, g.outC),
    ]);
    leak = helperFailed;
    if (dw2 !== 0) checkRc(nn.fn('nnAddF32')(dw, dw2, dwFloats), 'nnAddF32');
  } finally {
    if (dw2 !== 0 && !leak) nn.heap.free(dw2);
  }
  return true;
}

/**
 * Input gradient (see nn.ts conv2dBackpropInput) of tensors in the shared heap of `owner`: dy, the
 * filter w and dx are byte offsets there. False when not applicable (no such heap, or channel
 * counts that need padding: inC > 4 and inC % 8, or inC <= 4 and outC % 4).
 */
export function conv2dBackpropInputInPlace(
  owner: unknown,
  dy: number,
  w: number,
  g: Conv2dGeometry,
  dx: number,
): boolean {
  const nn = nnShared(owner);
  if (nn === null) return false;
  const narrow = g.inC <= 4; // as nn.ts: vectorise over the output channels
  if (narrow ? g.outC % 4 !== 0 : g.inC % 8 !== 0) return false;
  checkGeometry(g);
  const taps = g.filterH * g.filterW;
  const { top: bt, left: bl, ph, pw } = dyBorder(g);
  const pixel = g.outC * 4;
  const dyImg = ph * pw * pixel;
  const dxImg = g.inH * g.inW * g.inC * 4;
  const bordered = ph !== g.outH || pw !== g.outW;
  let dyp = dy;
  let wt = w;
  let leak = false;
  try {
    if (bordered) {
      dyp = nn.heap.malloc(g.batch * dyImg);
      if (dyp === 0) throw new NnKernelError('conv2dBackpropInput: out of heap memory');
      checkRc(nn.fn('nnZero')(dyp, g.batch * dyImg), 'nnZero');
      const copy = nn.fn('nnCopyRuns');
      for (let b = 0; b < g.batch; b++) {
        const d = dyp + b * dyImg + (bt * pw + bl) * pixel;
        const s = dy + b * g.outH * g.outW * pixel;
        checkRc(copy(d, pw * pixel, s, g.outW * pixel, g.outH, g.outW * pixel), 'nnCopyRuns');
      }
    }
    if (!narrow) {
      wt = nn.heap.malloc(taps * g.inC * g.outC * 4);
      if (wt === 0) throw new NnKernelError('conv2dBackpropInput: out of heap memory');
      checkRc(nn.fn('nnTransposeFilter')(w, wt, taps, g.inC, g.outC, g.inC), 'nnTransposeFilter');
    }
    const name = narrow ? 'nnConv2dBackpropInputNarrow' : 'nnConv2dBackpropInput';
    const { helperFailed } = runSplit(nn, name, g, (first, count) => [
      dyp + first * dyImg,
      wt,
      dx + first * dxImg,
      ...inputKernelArgs(g, count, g.inC, g.outC),
    ]);
    leak = helperFailed;
  } finally {
    if (!leak) {
      if (dyp !== dy && dyp !== 0) nn.heap.free(dyp);
      if (wt !== w && wt !== 0) nn.heap.free(wt);
    }
  }
  return true;
}
