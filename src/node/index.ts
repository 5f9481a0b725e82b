// The Node entry point: the whole isomorphic API plus file-system helpers. The Node `trainUNet`
// (TIFF paths, checkpoint directory, 'wasm' by default) shadows the isomorphic one.
export * from '../index.js';
export { trainUNet } from './trainUNet.js';
export type { NodeTrainOptions } from './trainUNet.js';
export { FileCheckpointStore } from './fileCheckpointStore.js';
export { initNodeBackend, wasmThreadCount } from './backend.js';
export type { NodeBackendOptions } from './backend.js';
export { readStack } from './stacks.js';
export { readTiffFile, writeTiffFile } from './files.js';
export {
  predictFiles,
  loadModelDir,
  resolveModelDir,
  resolveModelDirs,
  defaultLabelsPath,
} from './predict.js';
export type { PredictFilesOptions, PredictFilesResult, LoadedModel } from './predict.js';
export { writeReport } from './report.js';
export type { ReportOptions, ReportFiles, OverlaySlice } from './report.js';
export { encodePng, crc32 } from './png.js';
export { Raster } from './raster.js';
export type { Color } from './raster.js';
export { linePlot, niceStep } from './plot.js';
export type { PlotOptions, Series } from './plot.js';
export { overlayPanels } from './overlay.js';
export { ProgressLine } from './progressLine.js';
export { main as runCli } from './cli.js';
export {
  parseTrainArgs,
  parsePredictArgs,
  helpText,
  CliUsageError,
  TRAIN_FLAGS,
  PREDICT_FLAGS,
} from './args.js';
export * from './files.js';
