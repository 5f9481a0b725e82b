// U-Net weight map (Ronneberger et al. 2015): w = w_c + w0·exp(-(d1 + d2)² / (2σ²)) on background,
// d1/d2 = distances to the nearest and second-nearest different cell.
//
// Exactness: the border term is below 1e-6 once d1 + d2 > D = sqrt(2σ² ln(w0 / 1e-6)). A background
// pixel has d1 >= 1, so only cells at distance <= D - 1 can matter, and R = floor(D - 1) bounds that.
// Each cell gets an exact EDT restricted to its bounding box grown by R: the cell lies wholly inside
// its box, so distances inside the box are exact, and pixels outside it are farther than R. Columns
// whose vertical distance exceeds R are dropped, which only removes distances > R. Every pixel keeps
// the two smallest squared distances over cells (each cell is visited once, so they come from two
// different cells). Every computed distance is a true distance to some pixel of its cell, so it is
// never below the truth, and neither are the two smallest. A pixel p needs exact distances only to
// cells within U(p) >= d2(p), a cheap bound from the nearest cell pixels along its row and column
// (runReach); each background run keeps the largest U over its pixels, capped at R. So d1 and d2 are
// exact wherever d1 + d2 <= D; elsewhere they can only be larger than the truth, so the border is
// < 1e-6 either way.
import { ERR_LABEL, ERR_OPTION, ERR_SIZE, INF, advance, pushParabolas, seek, validSize } from './common';

// Cephes expf polynomial on [-ln2/2, ln2/2]; about 1 ulp over the range used here.
const LOG2E: f32 = 1.442695041;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.1219444e-4;
const P0: f32 = 1.98756915e-4;
const P1: f32 = 1.3981999507e-3;
const P2: f32 = 8.3334519073e-3;
const P3: f32 = 4.1665795894e-2;
const P4: f32 = 1.6666665459e-1;
const P5: f32 = 5.0000001201e-1;

/** exp of four f32 lanes, for arguments <= 0 (clamped at -87 so 2^n stays a normal number). */
function exp4(x: v128): v128 {
  x = f32x4.max(x, f32x4.splat(-87.0));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LO)));
  let p = f32x4.splat(P0);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P4));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(P5));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1.0));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

/** Search radius R for w0 and σ (see the header), or -1 when the border term is below 1e-6 everywhere. */
function searchRadius(w0: f64, sigma: f64, w: i32, h: i32): i32 {
  if (!(w0 > 1e-6)) return -1;
  const d = Math.sqrt(2 * sigma * sigma * Math.log(w0 / 1e-6));
  // d1 >= 1 and d2 >= 1 on background pixels, so d < 2 means no pixel can reach 1e-6.
  if (!(d >= 2)) return -1;
  const r = Math.floor(d - 1);
  const side = <f64>max<i32>(w, h);
  return <i32>(r < side ? r : side);
}

/**
 * Exact squared distances of one cell inside its grown box, merged into the per-pixel two smallest.
 * g is i32 scratch holding the vertical pass over the cell's own columns [x0, x1] for rows [Y0, Y1].
 */
function cellPass(
  labels: usize,
  w: i32,
  h: i32,
  c: i32,
  x0: i32,
  x1: i32,
  y0: i32,
  y1: i32,
  r: i32,
  d1: usize,
  d2: usize,
  g: usize,
  v: usize,
  hv: usize,
  rows: usize,
  runs: usize,
  runU: usize,
): void {
  const X0 = max<i32>(0, x0 - r);
  const X1 = min<i32>(w - 1, x1 + r);
  const Y0 = max<i32>(0, y0 - r);
  const Y1 = min<i32>(h - 1, y1 + r);
  const cw = x1 - x0 + 1;
  const cw4 = cw & ~3;
  const cap = r + 1;
  const capV = i32x4.splat(cap);
  const one = i32x4.splat(1);
  const cV = i32x4.splat(c);
  const stride = (<usize>cw) << 2;
  // Vertical pass, top-down then bottom-up; values above r are all "too far" (cap).
  for (let y = Y0; y <= Y1; y++) {
    const lrow = labels + ((<usize>(y * w + x0)) << 2);
    const grow = g + ((<usize>((y - Y0) * cw)) << 2);
    let j: i32 = 0;
    for (; j < cw4; j += 4) {
      const isC = i32x4.eq(v128.load(lrow + ((<usize>j) << 2)), cV);
      const prev = y > Y0 ? v128.load(grow + ((<usize>j) << 2) - stride) : capV;
      v128.store(grow + ((<usize>j) << 2), v128.andnot(i32x4.min_s(i32x4.add(prev, one), capV), isC));
    }
    for (; j < cw; j++) {
      const prev = y > Y0 ? load<i32>(grow + ((<usize>j) << 2) - stride) : cap;
      store<i32>(
        grow + ((<usize>j) << 2),
        load<i32>(lrow + ((<usize>j) << 2)) == c ? 0 : min<i32>(prev + 1, cap),
      );
    }
  }
  for (let y = Y1 - 1; y >= Y0; y--) {
    const grow = g + ((<usize>((y - Y0) * cw)) << 2);
    let j: i32 = 0;
    for (; j < cw4; j += 4) {
      const p = grow + ((<usize>j) << 2);
      v128.store(p, i32x4.min_s(v128.load(p), i32x4.add(v128.load(p + stride), one)));
    }
    for (; j < cw; j++) {
      const p = grow + ((<usize>j) << 2);
      store<i32>(p, min<i32>(load<i32>(p), load<i32>(p + stride) + 1));
    }
  }
  // Horizontal pass, only over the background runs that can need this cell. A run's pixels need no
  // cell farther than its reach u (runU, see runReach), and this cell is at least max(vertical
  // distance, horizontal distance to its columns) away from a pixel: runs beyond that are skipped.
  // The envelope takes the cell columns within u of the remaining runs and with g <= the row's
  // largest u: any other column only gives distances beyond what those runs need. Columns behind a
  // cell pixel of the same row are dominated by it and are skipped too.
  for (let y = Y0; y <= Y1; y++) {
    let ri = load<i32>(rows + ((<usize>y) << 2));
    const rEnd = load<i32>(rows + ((<usize>(y + 1)) << 2));
    while (ri < rEnd && load<i32>(runs + ((<usize>ri) << 3), 4) <= X0) ri++;
    if (ri >= rEnd || load<i32>(runs + ((<usize>ri) << 3)) > X1) continue;
    const vy = y < y0 ? y0 - y : y > y1 ? y - y1 : 0;
    let reach: i32 = -1;
    let lo: i32 = w;
    let hi: i32 = -1;
    for (let rj = ri; rj < rEnd; rj++) {
      const rs = load<i32>(runs + ((<usize>rj) << 3));
      if (rs > X1) break;
      const re = load<i32>(runs + ((<usize>rj) << 3), 4);
      const u = load<i32>(runU + ((<usize>rj) << 2));
      if (u < vy || rs - u > x1 || re - 1 + u < x0) continue;
      const xe = min<i32>(re, x1 + u + 1);
      reach = max<i32>(reach, u);
      lo = min<i32>(lo, max<i32>(rs, x0 - u) - u);
      hi = max<i32>(hi, xe - 1 + u);
    }
    if (reach < 0) continue;
    const grow = g + ((<usize>((y - Y0) * cw)) << 2);
    const qlo = max<i32>(lo - x0, 0);
    const qhi = min<i32>(hi - x0, cw - 1);
    let top: i32 = -1;
    if (y < y0 || y > y1) {
      if (qlo <= qhi) top = pushParabolas(grow, qlo, qhi + 1, reach, v, hv, top);
    } else {
      let done: i32 = -1; // last column already offered to the envelope
      for (let rj = ri; rj < rEnd; rj++) {
        const rs = load<i32>(runs + ((<usize>rj) << 3));
        if (rs > X1) break;
        const re = load<i32>(runs + ((<usize>rj) << 3), 4);
        const u = load<i32>(runU + ((<usize>rj) << 2));
        if (u < vy || rs - u > x1 || re - 1 + u < x0) continue;
        let qs = max<i32>(qlo, done + 1);
        let qe = qhi;
        // A cell pixel of this row (g = 0) beats every column beyond it for the whole run.
        for (let q = min<i32>(rs - x0 - 1, cw - 1); q >= qs; q--) {
          if (load<i32>(grow + ((<usize>q) << 2)) == 0) {
            qs = q;
            break;
          }
        }
        for (let q = max<i32>(re - x0, 0); q <= qe; q++) {
          if (load<i32>(grow + ((<usize>q) << 2)) == 0) {
            qe = q;
            break;
          }
        }
        if (qs <= qe) {
          top = pushParabolas(grow, qs, qe + 1, reach, v, hv, top);
          done = qe;
        }
      }
    }
    const m = top + 1;
    if (m == 0) continue;
    let k: i32 = 0;
    const base = (<usize>(y * w)) << 2;
    for (; ri < rEnd; ri++) {
      const rs = load<i32>(runs + ((<usize>ri) << 3));
      if (rs > X1) break;
      const re = load<i32>(runs + ((<usize>ri) << 3), 4);
      const u = load<i32>(runU + ((<usize>ri) << 2));
      if (u < vy || rs - u > x1 || re - 1 + u < x0) continue;
      // Pixels farther than u from the cell's columns are farther than u from the cell.
      const xs = max<i32>(rs, x0 - u);
      const xe = min<i32>(re, x1 + u + 1);
      if (xs >= xe) continue;
      k = seek(k, m, xs - x0, v, hv);
      for (let x = xs; x < xe; x++) {
        const xr = x - x0;
        k = advance(k, m, xr, v, hv);
        const p = load<i32>(v + ((<usize>k) << 2));
        const dx = xr - p;
        const d = dx * dx + load<i32>(hv + ((<usize>k) << 2)) - p * p;
        const off = base + ((<usize>x) << 2);
        const a = load<i32>(d1 + off);
        const b = load<i32>(d2 + off);
        store<i32>(d1 + off, min<i32>(a, d));
        store<i32>(d2 + off, min<i32>(b, max<i32>(a, d)));
      }
    }
  }
}

/**
 * Reach of every background run: runU[i] = min(r, largest U(p) over the run's pixels), where U(p) is
 * the second-smallest distance, over distinct cells, of the nearest cell pixels left, right, above and
 * below p. Two different cells lie within U(p) of p, so d2(p) <= U(p): a cell farther than U(p) from p
 * is neither its nearest nor its second-nearest cell, and a run needs no cell farther than its reach.
 * d1/d2 are scratch here (distance and label of the nearest cell pixel above), v/hv the same below.
 */
function runReach(
  labels: usize,
  w: i32,
  h: i32,
  r: i32,
  d1: usize,
  d2: usize,
  v: usize,
  hv: usize,
  rows: usize,
  runs: usize,
  runU: usize,
): void {
  const w4 = w & ~3;
  const zero = i32x4.splat(0);
  const one = i32x4.splat(1);
  const infV = i32x4.splat(INF);
  for (let j: i32 = 0; j < w; j++) {
    store<i32>(v + ((<usize>j) << 2), INF);
    store<i32>(hv + ((<usize>j) << 2), 0);
  }
  for (let y: i32 = 0; y < h; y++) {
    const row = (<usize>(y * w)) << 2;
    let j: i32 = 0;
    for (; j < w4; j += 4) {
      const o = (<usize>j) << 2;
      const l = v128.load(labels + row + o);
      const bg = i32x4.eq(l, zero);
      const d = v128.and(i32x4.min_s(i32x4.add(v128.load(v + o), one), infV), bg);
      const lab = v128.bitselect(v128.load(hv + o), l, bg);
      v128.store(v + o, d);
      v128.store(hv + o, lab);
      v128.store(d1 + row + o, d);
      v128.store(d2 + row + o, lab);
    }
    for (; j < w; j++) {
      const o = (<usize>j) << 2;
      const l = load<i32>(labels + row + o);
      const d = l == 0 ? min<i32>(load<i32>(v + o) + 1, INF) : 0;
      const lab = l == 0 ? load<i32>(hv + o) : l;
      store<i32>(v + o, d);
      store<i32>(hv + o, lab);
      store<i32>(d1 + row + o, d);
      store<i32>(d2 + row + o, lab);
    }
  }
  for (let j: i32 = 0; j < w; j++) {
    store<i32>(v + ((<usize>j) << 2), INF);
    store<i32>(hv + ((<usize>j) << 2), 0);
  }
  for (let y: i32 = h - 1; y >= 0; y--) {
    const row = (<usize>(y * w)) << 2;
    let j: i32 = 0;
    for (; j < w4; j += 4) {
      const o = (<usize>j) << 2;
      const l = v128.load(labels + row + o);
      const bg = i32x4.eq(l, zero);
      v128.store(v + o, v128.and(i32x4.min_s(i32x4.add(v128.load(v + o), one), infV), bg));
      v128.store(hv + o, v128.bitselect(v128.load(hv + o), l, bg));
    }
    for (; j < w; j++) {
      const o = (<usize>j) << 2;
      const l = load<i32>(labels + row + o);
      store<i32>(v + o, l == 0 ? min<i32>(load<i32>(v + o) + 1, INF) : 0);
      store<i32>(hv + o, l == 0 ? load<i32>(hv + o) : l);
    }
    const rEnd = load<i32>(rows + ((<usize>(y + 1)) << 2));
    for (let ri = load<i32>(rows + ((<usize>y) << 2)); ri < rEnd; ri++) {
      const xs = load<i32>(runs + ((<usize>ri) << 3));
      const xe = load<i32>(runs + ((<usize>ri) << 3), 4);
      const lLab = xs > 0 ? load<i32>(labels + row + ((<usize>(xs - 1)) << 2)) : 0;
      const rLab = xe < w ? load<i32>(labels + row + ((<usize>xe) << 2)) : 0;
      let reach: i32 = 0;
      for (let x = xs; x < xe; x++) {
        const o = (<usize>x) << 2;
        // Best two distances with distinct labels among the four candidates, without branches (they
        // would be mispredicted half the time); a missing candidate has distance INF.
        let b1: i32 = select<i32>(x - xs + 1, INF, lLab != 0);
        let l1: i32 = lLab;
        let b2: i32 = INF;
        let dd: i32 = select<i32>(xe - x, INF, rLab != 0);
        let ll: i32 = rLab;
        let lt = dd < b1;
        let ne = ll != l1;
        b2 = select<i32>(select<i32>(b1, b2, ne), select<i32>(min<i32>(b2, dd), b2, ne), lt);
        b1 = select<i32>(dd, b1, lt);
        l1 = select<i32>(ll, l1, lt);
        dd = load<i32>(d1 + row + o);
        ll = load<i32>(d2 + row + o);
        lt = dd < b1;
        ne = ll != l1;
        b2 = select<i32>(select<i32>(b1, b2, ne), select<i32>(min<i32>(b2, dd), b2, ne), lt);
        b1 = select<i32>(dd, b1, lt);
        l1 = select<i32>(ll, l1, lt);
        dd = load<i32>(v + o);
        ll = load<i32>(hv + o);
        b2 = select<i32>(select<i32>(b1, b2, ll != l1), select<i32>(min<i32>(b2, dd), b2, ll != l1), dd < b1);
        const u = min<i32>(b2, r);
        reach = max<i32>(reach, u);
      }
      store<i32>(runU + ((<usize>ri) << 2), reach);
    }
  }
}

/**
 * Weight map of a labelled image. labels: i32 w×h from weightsLabel (0 = background, 1..count cells).
 * balanced != 0 uses N / (2·N_c) per class (1 for an absent class), else wBg / wFg.
 * out: f32 w×h. Scratch: d1, d2, g (i32, w×h), v, hv (i32, w), box (i32, 4·(count+1)),
 * rows (i32, h+1), runs (i32, 2·ceil(w/2)·h), runU (i32, ceil(w/2)·h).
 * Returns 0 or a negative error code.
 */
export function weightsMap(
  labels: usize,
  w: i32,
  h: i32,
  count: i32,
  w0: f64,
  sigma: f64,
  balanced: i32,
  wBg: f64,
  wFg: f64,
  out: usize,
  d1: usize,
  d2: usize,
  g: usize,
  v: usize,
  hv: usize,
  box: usize,
  rows: usize,
  runs: usize,
  runU: usize,
): i32 {
  if (!validSize(w, h)) return ERR_SIZE;
  const n = w * h;
  if (count < 0 || count > n) return ERR_SIZE;
  if (!(sigma > 0) || !isFinite(sigma) || !(w0 >= 0) || !isFinite(w0)) return ERR_OPTION;
  if (!(wBg >= 0) || !isFinite(wBg) || !(wFg >= 0) || !isFinite(wFg)) return ERR_OPTION;

  // One raster pass: bounding boxes (minX, maxX, minY, maxY), the foreground count and the
  // background runs of every row (rows[y]..rows[y+1] index [start, end) pairs in runs).
  for (let c: i32 = 1; c <= count; c++) {
    const b = box + ((<usize>c) << 4);
    store<i32>(b, w);
    store<i32>(b, -1, 4);
    store<i32>(b, -1, 8);
  }
  let nFg: i32 = 0;
  let ri: i32 = 0;
  for (let y: i32 = 0; y < h; y++) {
    store<i32>(rows + ((<usize>y) << 2), ri);
    const lrow = labels + ((<usize>(y * w)) << 2);
    // Run by run: a run of one label updates its box once, and SIMD skips four equal labels at once.
    let x: i32 = 0;
    while (x < w) {
      const xs = x;
      const l = load<i32>(lrow + ((<usize>x) << 2));
      const lv = i32x4.splat(l);
      while (x + 4 <= w && i32x4.all_true(i32x4.eq(v128.load(lrow + ((<usize>x) << 2)), lv))) x += 4;
      while (x < w && load<i32>(lrow + ((<usize>x) << 2)) == l) x++;
      if (l == 0) {
        store<i32>(runs + ((<usize>ri) << 3), xs);
        store<i32>(runs + ((<usize>ri) << 3), x, 4);
        ri++;
        continue;
      }
      if (l < 0 || l > count) return ERR_LABEL;
      nFg += x - xs;
      const b = box + ((<usize>l) << 4);
      if (xs < load<i32>(b)) store<i32>(b, xs);
      if (x - 1 > load<i32>(b, 4)) store<i32>(b, x - 1, 4);
      // Raster order: the first run seen has the smallest y, the latest the largest.
      if (load<i32>(b, 8) < 0) store<i32>(b, y, 8);
      store<i32>(b, y, 12);
    }
  }
  store<i32>(rows + ((<usize>h) << 2), ri);
  const nBg = n - nFg;
  if (balanced != 0) {
    wBg = nBg > 0 ? <f64>n / (2 * <f64>nBg) : 1;
    wFg = nFg > 0 ? <f64>n / (2 * <f64>nFg) : 1;
  }

  const r = count >= 2 ? searchRadius(w0, sigma, w, h) : -1;
  const n4 = n & ~3;
  const wBgV = f32x4.splat(<f32>wBg);
  const wFgV = f32x4.splat(<f32>wFg);
  const zero = i32x4.splat(0);
  if (r < 0) {
    for (let i: i32 = 0; i < n4; i += 4) {
      const isBg = i32x4.eq(v128.load(labels + ((<usize>i) << 2)), zero);
      v128.store(out + ((<usize>i) << 2), v128.bitselect(wBgV, wFgV, isBg));
    }
    for (let i = n4; i < n; i++) {
      store<f32>(out + ((<usize>i) << 2), load<i32>(labels + ((<usize>i) << 2)) == 0 ? <f32>wBg : <f32>wFg);
    }
    return 0;
  }

  runReach(labels, w, h, r, d1, d2, v, hv, rows, runs, runU);

  const infV = i32x4.splat(INF);
  for (let i: i32 = 0; i < n4; i += 4) {
    v128.store(d1 + ((<usize>i) << 2), infV);
    v128.store(d2 + ((<usize>i) << 2), infV);
  }
  for (let i = n4; i < n; i++) {
    store<i32>(d1 + ((<usize>i) << 2), INF);
    store<i32>(d2 + ((<usize>i) << 2), INF);
  }
  for (let c: i32 = 1; c <= count; c++) {
    const b = box + ((<usize>c) << 4);
    const x1 = load<i32>(b, 4);
    if (x1 < 0) continue; // a label with no pixel
    cellPass(
      labels,
      w,
      h,
      c,
      load<i32>(b),
      x1,
      load<i32>(b, 8),
      load<i32>(b, 12),
      r,
      d1,
      d2,
      g,
      v,
      hv,
      rows,
      runs,
      runU,
    );
  }

  const negInv2s2 = <f32>(-1 / (2 * sigma * sigma));
  const w0f = <f32>w0;
  const kV = f32x4.splat(negInv2s2);
  const w0V = f32x4.splat(w0f);
  for (let i: i32 = 0; i < n4; i += 4) {
    const off = (<usize>i) << 2;
    const isBg = i32x4.eq(v128.load(labels + off), zero);
    if (!v128.any_true(isBg)) {
      // Inside a cell (most of an EM label): no border term to evaluate.
      v128.store(out + off, wFgV);
      continue;
    }
    const b2 = v128.load(d2 + off);
    const a = f32x4.sqrt(f32x4.convert_i32x4_s(v128.load(d1 + off)));
    const b = f32x4.sqrt(f32x4.convert_i32x4_s(b2));
    const s = f32x4.add(a, b);
    const e = f32x4.mul(exp4(f32x4.mul(f32x4.mul(s, s), kV)), w0V);
    const border = v128.and(e, v128.and(isBg, i32x4.lt_s(b2, infV)));
    v128.store(out + off, f32x4.add(v128.bitselect(wBgV, wFgV, isBg), border));
  }
  for (let i = n4; i < n; i++) {
    const off = (<usize>i) << 2;
    if (load<i32>(labels + off) != 0) {
      store<f32>(out + off, <f32>wFg);
      continue;
    }
    const b2 = load<i32>(d2 + off);
    let border: f64 = 0;
    if (b2 < INF) {
      const s = Math.sqrt(<f64>load<i32>(d1 + off)) + Math.sqrt(<f64>b2);
      border = w0 * Math.exp(-(s * s) / (2 * sigma * sigma));
    }
    store<f32>(out + off, <f32>(wBg + border));
  }
  return 0;
}
