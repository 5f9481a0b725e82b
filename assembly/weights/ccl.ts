// Connected components of the nonzero pixels (two-pass union-find). Labels are numbered in raster
// order of each component's first pixel: that pixel always opens a fresh provisional label (its causal
// neighbours precede it), unions keep the smaller label as root, so roots sorted by provisional label
// are exactly the components sorted by first pixel.
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

function unite(parent: usize, a: i32, b: i32): i32 {
  if (a == b) return a;
  const ra = find(parent, a);
  const rb = find(parent, b);
  if (ra < rb) {
    store<i32>(parent + ((<usize>rb) << 2), ra);
    return ra;
  }
  if (rb < ra) store<i32>(parent + ((<usize>ra) << 2), rb);
  return rb;
}

/**
 * Labels the nonzero pixels of `mask` (u8, w×h) into `labels` (i32, w×h): 1..count, 0 = background.
 * `parent` is i32 scratch of w×h + 1 entries. Returns count, or a negative error code.
 */
export function weightsLabel(
  mask: usize,
  w: i32,
  h: i32,
  connectivity: i32,
  labels: usize,
  parent: usize,
): i32 {
  if (!validSize(w, h)) return ERR_SIZE;
  if (connectivity != 4 && connectivity != 8) return ERR_OPTION;
  const eight = connectivity == 8;
  let next: i32 = 1;
  for (let y: i32 = 0; y < h; y++) {
    const row = y * w;
    for (let x: i32 = 0; x < w; x++) {
      const i = row + x;
      const li = labels + ((<usize>i) << 2);
      if (load<u8>(mask + <usize>i) == 0) {
        store<i32>(li, 0);
        continue;
      }
      const left: i32 = x > 0 ? load<i32>(li - 4) : 0;
      let l = left;
      if (y > 0) {
        // When the left pixel is foreground, the neighbours this pixel shares with it (up-left and
        // up for 4-connectivity when equal to its up; up-left and up for 8) are already merged.
        const above = li - ((<usize>w) << 2);
        const up = load<i32>(above);
        if (eight) {
          if (left == 0) {
            if (x > 0) {
              const ul = load<i32>(above - 4);
              if (ul != 0) l = ul;
            }
            if (up != 0) l = l == 0 ? up : unite(parent, l, up);
          }
          if (x + 1 < w) {
            const ur = load<i32>(above + 4);
            if (ur != 0 && ur != up) l = l == 0 ? ur : unite(parent, l, ur);
          }
        } else if (up != 0 && (left == 0 || up != load<i32>(above - 4))) {
          l = l == 0 ? up : unite(parent, l, up);
        }
      }
      if (l == 0) {
        l = next++;
        store<i32>(parent + ((<usize>l) << 2), l);
      }
      store<i32>(li, l);
    }
  }
  // Roots in increasing provisional order get 1, 2, ...; since parent[i] < i for non-roots, that
  // entry already holds its final label when i is reached.
  let count: i32 = 0;
  for (let i: i32 = 1; i < next; i++) {
    const pi = parent + ((<usize>i) << 2);
    const p = load<i32>(pi);
    if (p == i) store<i32>(pi, ++count);
    else store<i32>(pi, load<i32>(parent + ((<usize>p) << 2)));
  }
  const n = w * h;
  for (let i: i32 = 0; i < n; i++) {
    const li = labels + ((<usize>i) << 2);
    const l = load<i32>(li);
    if (l != 0) store<i32>(li, load<i32>(parent + ((<usize>l) << 2)));
  }
  return count;
}
