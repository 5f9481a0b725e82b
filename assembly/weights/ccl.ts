// Connected components of the nonzero pixels, by runs: every row is cut into runs of nonzero pixels,
// each run is a union-find node (its index in raster order) joined with the runs of the row above
// that touch it, then each run is filled with its component's label. Unions keep the smaller index
// as root, so a component's root is its first run in raster order, and numbering the roots in
// increasing order numbers the components in raster order of their first pixel.
import { ERR_OPTION, ERR_SIZE, validSize } from './common';

function find(parent: usize, x: i32): i32 {
  // Path halving; parent[x] <= x always holds, which the relabel pass relies on.
  let p = load<i32>(parent + ((<usize>x) << 2));
  while (p != x) {
    const gp = load<i32>(parent + ((<usize>p) << 2));
    store<i32>(parent + ((<usize>x) << 2), gp);
    x = gp;
    p = load<i32>(parent + ((<usize>x) << 2));
  }
  return x;
}

function unite(parent: usize, a: i32, b: i32): void {
  const ra = find(parent, a);
  const rb = find(parent, b);
  if (ra < rb) store<i32>(parent + ((<usize>rb) << 2), ra);
  else if (rb < ra) store<i32>(parent + ((<usize>ra) << 2), rb);
}

/**
 * Labels the nonzero pixels of `mask` (u8, w×h) into `labels` (i32, w×h): 1..count, 0 = background.
 * `scratch` holds 4·(h + 1) + 12·ceil(w / 2)·h bytes (row starts, then [start, end) and a parent
 * entry per run; a row has at most ceil(w / 2) runs). Returns count, or a negative error code.
 */
export function weightsLabel(
  mask: usize,
  w: i32,
  h: i32,
  connectivity: i32,
  labels: usize,
  scratch: usize,
): i32 {
  if (!validSize(w, h)) return ERR_SIZE;
  if (connectivity != 4 && connectivity != 8) return ERR_OPTION;
  // 8-connectivity: runs touch when they overlap after growing one of them by a pixel each side.
  const grow: i32 = connectivity == 8 ? 1 : 0;
  const maxRuns = ((w + 1) >> 1) * h;
  const rowStart = scratch;
  const runs = rowStart + ((<usize>(h + 1)) << 2);
  const parent = runs + ((<usize>maxRuns) << 3);
  let nr: i32 = 0;
  let prevStart: i32 = 0;
  for (let y: i32 = 0; y < h; y++) {
    store<i32>(rowStart + ((<usize>y) << 2), nr);
    const mrow = mask + <usize>(y * w);
    const curStart = nr;
    let j = prevStart; // first run of the row above that can still touch a run of this row
    let x: i32 = 0;
    while (x < w) {
      // Skip background, 16 bytes at a time where the whole block is 0.
      while (x + 16 <= w && !v128.any_true(v128.load(mrow + <usize>x))) x += 16;
      while (x < w && load<u8>(mrow + <usize>x) == 0) x++;
      if (x >= w) break;
      const xs = x;
      while (x + 16 <= w && i8x16.all_true(v128.load(mrow + <usize>x))) x += 16;
      while (x < w && load<u8>(mrow + <usize>x) != 0) x++;
      const r = runs + ((<usize>nr) << 3);
      store<i32>(r, xs);
      store<i32>(r, x, 4);
      store<i32>(parent + ((<usize>nr) << 2), nr);
      // Runs above that end before this one starts can touch no later run either.
      while (j < curStart && load<i32>(runs + ((<usize>j) << 3), 4) + grow <= xs) j++;
      for (let k = j; k < curStart; k++) {
        const pk = runs + ((<usize>k) << 3);
        if (load<i32>(pk) - grow >= x) break;
        unite(parent, nr, k);
      }
      nr++;
    }
    prevStart = curStart;
  }
  store<i32>(rowStart + ((<usize>h) << 2), nr);
  // Roots in increasing order get 1, 2, ...; since parent[i] < i for non-roots, that entry already
  // holds its final label when i is reached.
  let count: i32 = 0;
  for (let i: i32 = 0; i < nr; i++) {
    const pi = parent + ((<usize>i) << 2);
    const p = load<i32>(pi);
    if (p == i) store<i32>(pi, ++count);
    else store<i32>(pi, load<i32>(parent + ((<usize>p) << 2)));
  }
  const zero = i32x4.splat(0);
  for (let y: i32 = 0; y < h; y++) {
    const lrow = labels + ((<usize>(y * w)) << 2);
    let x: i32 = 0;
    const rEnd = load<i32>(rowStart + ((<usize>(y + 1)) << 2));
    for (let i = load<i32>(rowStart + ((<usize>y) << 2)); i < rEnd; i++) {
      const xs = load<i32>(runs + ((<usize>i) << 3));
      const xe = load<i32>(runs + ((<usize>i) << 3), 4);
      fill(lrow, x, xs, zero, 0);
      const l = load<i32>(parent + ((<usize>i) << 2));
      fill(lrow, xs, xe, i32x4.splat(l), l);
      x = xe;
    }
    fill(lrow, x, w, zero, 0);
  }
  return count;
}

// Stores l at row[a..b), four at a time.
function fill(row: usize, a: i32, b: i32, lv: v128, l: i32): void {
  let x = a;
  for (; x + 4 <= b; x += 4) v128.store(row + ((<usize>x) << 2), lv);
  for (; x < b; x++) store<i32>(row + ((<usize>x) << 2), l);
}
