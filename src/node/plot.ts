// Line plots with axes, ticks, grid and a legend, drawn into a Raster (for the training report).
import { GLYPH_HEIGHT, Raster } from './raster.js';
import type { Color } from './raster.js';

/** One curve. `values[i]` is plotted at x = `x[i]` (default i + 1); NaN values leave a gap. */
export interface Series {
  name: string;
  values: readonly number[];
  x?: readonly number[];
  color: Color;
}

export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  /** Default 720. */
  width?: number;
  /** Default 480. */
  height?: number;
  /** Fixed y range; default: the data range, padded. */
  yMin?: number;
  yMax?: number;
}

/** A 1-2-5 step giving about `target` intervals over `range`. */
export function niceStep(range: number, target = 5): number {
  if (!(range > 0) || !Number.isFinite(range)) return 1;
  const raw = range / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

function tickLabel(v: number, step: number): string {
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  const s = v.toFixed(decimals);
  return s === '-0' ? '0' : s;
}

const INK: Color = [30, 30, 30];
const GRID: Color = [225, 225, 225];

/** Draws a line plot and returns the raster. */
export function linePlot(o: PlotOptions): Raster {
  const width = o.width ?? 720;
  const height = o.height ?? 480;
  const img = new Raster(width, height);
  const s = 2; // font scale
  const charH = GLYPH_HEIGHT * s;
  const left = 24 + charH + 8 + 7 * 6 * s;
  const right = 24;
  const top = 16 + charH + 12;
  // Legend layout first: it takes rows at the bottom.
  const entryWidth = (e: Series): number => 32 + Raster.textWidth(e.name, s);
  const rowWidth = (row: Series[]): number =>
    row.reduce((a, e) => a + entryWidth(e), 0) + 24 * (row.length - 1);
  const legendRows: Series[][] = [];
  for (const e of o.series.filter((se) => se.name)) {
    const row = legendRows.at(-1);
    if (row && rowWidth([...row, e]) <= width - 40) row.push(e);
    else legendRows.push([e]);
  }
  const legendH = legendRows.length * (charH + 8) + (legendRows.length ? 8 : 0);
  const bottom = 16 + charH * 2 + 18 + legendH;
  const pw = width - left - right;
  const ph = height - top - bottom;

  const xs: number[] = [];
  const ys: number[] = [];
  for (const se of o.series) {
    se.values.forEach((v, i) => {
      if (Number.isFinite(v)) {
        xs.push(se.x?.[i] ?? i + 1);
        ys.push(v);
      }
    });
  }
  let xMin = xs.length ? Math.min(...xs) : 0;
  let xMax = xs.length ? Math.max(...xs) : 1;
  if (xMax - xMin < 1) {
    xMin -= 0.5;
    xMax += 0.5;
  }
  let yMin = o.yMin ?? (ys.length ? Math.min(...ys) : 0);
  let yMax = o.yMax ?? (ys.length ? Math.max(...ys) : 1);
  if (o.yMin === undefined || o.yMax === undefined) {
    const pad = (yMax - yMin) * 0.08 || Math.abs(yMax) * 0.1 || 0.5;
    if (o.yMin === undefined) yMin -= pad;
    if (o.yMax === undefined) yMax += pad;
  }
  const px = (x: number): number => left + ((x - xMin) / (xMax - xMin)) * pw;
  const py = (y: number): number => top + ph - ((y - yMin) / (yMax - yMin)) * ph;

  // grid and ticks
  const ys0 = niceStep(yMax - yMin);
  for (let v = Math.ceil(yMin / ys0) * ys0; v <= yMax + 1e-9; v += ys0) {
    const y = Math.round(py(v));
    img.line(left, y, left + pw, y, GRID);
    const label = tickLabel(v, ys0);
    img.text(left - 8 - Raster.textWidth(label, s), y - charH / 2, label, INK, s);
  }
  const xs0 = Math.max(1, niceStep(xMax - xMin, 8));
  for (let v = Math.ceil(xMin / xs0) * xs0; v <= xMax + 1e-9; v += xs0) {
    const x = Math.round(px(v));
    img.line(x, top, x, top + ph, GRID);
    const label = tickLabel(v, xs0);
    img.text(x - Raster.textWidth(label, s) / 2, top + ph + 8, label, INK, s);
  }
  // axes
  img.line(left, top, left, top + ph, INK, 2);
  img.line(left, top + ph, left + pw, top + ph, INK, 2);
  // labels and title
  img.text((width - Raster.textWidth(o.title, s)) / 2, 12, o.title, INK, s);
  img.text(left + (pw - Raster.textWidth(o.xLabel, s)) / 2, top + ph + charH + 16, o.xLabel, INK, s);
  img.textVertical(12, top + (ph + Raster.textWidth(o.yLabel, s)) / 2, o.yLabel, INK, s);

  // curves, with a marker on every point so a single epoch still shows
  for (const se of o.series) {
    let prev: [number, number] | null = null;
    se.values.forEach((v, i) => {
      if (!Number.isFinite(v)) {
        prev = null;
        return;
      }
      const p: [number, number] = [px(se.x?.[i] ?? i + 1), py(v)];
      if (prev) img.line(prev[0], prev[1], p[0], p[1], se.color, 3);
      img.fillRect(p[0] - 3, p[1] - 3, 7, 7, se.color);
      prev = p;
    });
  }
  // legend: rows under the x-axis label, so it never hides a curve
  legendRows.forEach((row, r) => {
    const y = height - legendH + 4 + r * (charH + 8);
    let x = (width - rowWidth(row)) / 2;
    for (const e of row) {
      img.line(x, y + charH / 2, x + 24, y + charH / 2, e.color, 3);
      img.text(x + 32, y, e.name, INK, s);
      x += entryWidth(e) + 24;
    }
  });
  return img;
}
