// The end-of-training report: report.html with loss and metric curves (PNG) and image | label |
// prediction overlays of validation slices, for a person to look at.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EpochRecord, ResolvedConfig } from '../train/index.js';
import { formatDuration } from '../train/index.js';
import { overlayPanels } from './overlay.js';
import { linePlot } from './plot.js';
import type { Series } from './plot.js';
import { encodePng } from './png.js';

/** One validation slice to show. */
export interface OverlaySlice {
  /** Slice index in the stack. */
  slice: number;
  image: ArrayLike<number>;
  label: ArrayLike<number>;
  pred: ArrayLike<number>;
  width: number;
  height: number;
}

export interface ReportOptions {
  /** Directory for report.html and the PNGs (created). */
  outDir: string;
  title?: string;
  history: readonly EpochRecord[];
  config?: ResolvedConfig;
  /** Majority-class pixel accuracy on the validation slices. */
  majorityBaseline?: number;
  bestEpoch?: number;
  overlays?: readonly OverlaySlice[];
  /** Extra key/value lines for the summary (data source, backend, wall time …). */
  notes?: Record<string, string>;
  /**
   * Curves of other runs to show as well (e.g. an ensemble's members): each folder, relative to
   * `outDir`, holds the loss.png and metrics.png of its own report.
   */
  moreCurves?: readonly { name: string; dir: string }[];
}

/** Paths of what `writeReport` wrote. */
export interface ReportFiles {
  html: string;
  loss: string;
  metrics: string;
  overlays: string[];
}

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

function pct(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(2)} %`;
}

function num(v: number | undefined, d = 4): string {
  return v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(d);
}

/** Writes report.html, loss.png, metrics.png and overlay-<slice>.png into `outDir`. */
export function writeReport(o: ReportOptions): ReportFiles {
  mkdirSync(o.outDir, { recursive: true });
  const h = o.history;
  const epochs = h.map((r) => r.epoch + 1);
  const lossPlot = linePlot({
    title: 'Loss per epoch',
    xLabel: 'epoch',
    yLabel: 'loss',
    series: [
      { name: 'train (weighted CE)', values: h.map((r) => r.loss), x: epochs, color: [31, 119, 180] },
      {
        name: 'validation (CE)',
        values: h.map((r) => r.validation?.loss ?? NaN),
        x: epochs,
        color: [255, 127, 14],
      },
    ],
  });
  const baseline = o.majorityBaseline;
  const metricSeries: Series[] = [
    { name: 'mean IoU', values: h.map((r) => r.validation?.meanIoU ?? NaN), x: epochs, color: [214, 39, 40] },
    {
      name: 'pixel accuracy',
      values: h.map((r) => r.validation?.pixelAccuracy ?? NaN),
      x: epochs,
      color: [44, 160, 44],
    },
    { name: 'V rand', values: h.map((r) => r.validation?.vRand ?? NaN), x: epochs, color: [148, 103, 189] },
  ];
  if (baseline !== undefined && Number.isFinite(baseline)) {
    metricSeries.push({
      name: 'majority baseline',
      values: h.map(() => baseline),
      x: epochs,
      color: [150, 150, 150] as const,
    });
  }
  const metricsPlot = linePlot({
    title: 'Validation metrics per epoch',
    xLabel: 'epoch',
    yLabel: 'score',
    series: metricSeries,
  });
  const files: ReportFiles = {
    html: join(o.outDir, 'report.html'),
    loss: join(o.outDir, 'loss.png'),
    metrics: join(o.outDir, 'metrics.png'),
    overlays: [],
  };
  writeFileSync(files.loss, encodePng(new Uint8Array(lossPlot.data.buffer), lossPlot.width, lossPlot.height));
  writeFileSync(
    files.metrics,
    encodePng(new Uint8Array(metricsPlot.data.buffer), metricsPlot.width, metricsPlot.height),
  );
  for (const ov of o.overlays ?? []) {
    const r = overlayPanels(ov.image, ov.label, ov.pred, ov.width, ov.height, `validation slice ${ov.slice}`);
    const p = join(o.outDir, `overlay-${ov.slice}.png`);
    writeFileSync(p, encodePng(new Uint8Array(r.data.buffer), r.width, r.height));
    files.overlays.push(p);
  }

  const last = h.at(-1);
  const best =
    o.bestEpoch !== undefined && o.bestEpoch >= 0 ? h.find((r) => r.epoch === o.bestEpoch) : undefined;
  const summary: [string, string][] = [
    ['epochs trained', String(h.length)],
    [
      'last epoch',
      last
        ? `loss ${num(last.loss)}, pixel accuracy ${pct(last.validation?.pixelAccuracy)}, mean IoU ${num(last.validation?.meanIoU)}`
        : '–',
    ],
    [
      'best epoch (by mean IoU)',
      best
        ? `${best.epoch + 1}: pixel accuracy ${pct(best.validation?.pixelAccuracy)}, mean IoU ${num(best.validation?.meanIoU)}, V_rand ${num(best.validation?.vRand)}, V_info ${num(best.validation?.vInfo)}`
        : '–',
    ],
    ['majority-class baseline (pixel accuracy)', pct(baseline)],
    ['training time', formatDuration(h.reduce((s, r) => s + r.seconds, 0))],
    ...Object.entries(o.notes ?? {}),
  ];
  const c = o.config;
  const cfg: [string, string][] = c
    ? [
        [
          'data',
          `${c.count} slices of ${c.width}×${c.height}; train ${c.split.train.length}, validation [${c.split.validation.join(', ')}]`,
        ],
        ['model', JSON.stringify(c.model)],
        ['tile', `${c.tileSize}² input → ${c.outputSize}² output`],
        ['batch / steps per epoch', `${c.batchSize} / ${c.stepsPerEpoch}`],
        ['learning rate (Adam)', String(c.learningRate)],
        [
          'loss',
          `${c.weights === false ? 'plain cross-entropy' : `weighted cross-entropy ${JSON.stringify(c.weights)}`}${c.dice > 0 ? ` + ${c.dice} × Dice` : ''}`,
        ],
        ['augmentation', c.augment === false ? 'off' : JSON.stringify(c.augment)],
        ['seed', String(c.seed)],
      ]
    : [];
  const rows = h
    .map(
      (r) =>
        `<tr><td>${r.epoch + 1}</td><td>${num(r.loss)}</td><td>${num(r.validation?.loss)}</td><td>${pct(r.validation?.pixelAccuracy)}</td><td>${num(r.validation?.meanIoU)}</td><td>${num(r.validation?.dice)}</td><td>${num(r.validation?.vRand)}</td><td>${num(r.validation?.vInfo)}</td><td>${formatDuration(r.seconds)}</td></tr>`,
    )
    .join('\n');
  const kv = (pairs: [string, string][]): string =>
    pairs.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(o.title ?? 'unet-wasm training report')}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#222}
h1{font-size:24px} h2{font-size:19px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0} th,td{border:1px solid #ddd;padding:4px 10px;text-align:left;vertical-align:top}
th{background:#f6f6f6;font-weight:600} td{font-variant-numeric:tabular-nums}
.plots{display:flex;flex-wrap:wrap;gap:12px} .plots img{max-width:100%;width:560px;border:1px solid #eee}
.overlay img{width:100%;image-rendering:pixelated;border:1px solid #eee;margin:6px 0}
.legend{color:#555}
</style></head><body>
<h1>${esc(o.title ?? 'unet-wasm training report')}</h1>
<table>${kv(summary)}</table>
<h2>Curves</h2>
<div class="plots"><img src="loss.png" alt="loss per epoch"><img src="metrics.png" alt="validation metrics per epoch"></div>
${(o.moreCurves ?? [])
  .map(
    (m) =>
      `<h3>${esc(m.name)}</h3>\n<div class="plots"><img src="${esc(m.dir)}/loss.png" alt="${esc(m.name)}: loss per epoch"><img src="${esc(m.dir)}/metrics.png" alt="${esc(m.name)}: validation metrics per epoch"></div>`,
  )
  .join('\n')}
<h2>Validation slices</h2>
<p class="legend">Panels: image · true label (membrane tinted green) · prediction (membrane tinted green) · errors (red: membrane predicted where there is none, blue: membrane missed).</p>
${files.overlays.map((_, i) => `<div class="overlay"><img src="overlay-${o.overlays![i]!.slice}.png" alt="validation slice ${o.overlays![i]!.slice}"></div>`).join('\n')}
<h2>Per epoch</h2>
<table><tr><th>epoch</th><th>train loss</th><th>val loss</th><th>pixel accuracy</th><th>mean IoU</th><th>Dice</th><th>V_rand</th><th>V_info</th><th>time</th></tr>
${rows}</table>
<h2>Configuration</h2>
<table>${kv(cfg)}</table>
</body></html>
`;
  writeFileSync(files.html, html);
  return files;
}
