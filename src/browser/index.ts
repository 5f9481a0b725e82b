// The browser entry point: the isomorphic API plus what a page needs for training in a tab.
export * from '../index.js';
export { bytesToBase64, base64ToBytes, floatsToBase64, base64ToFloats } from './base64.js';
export { BridgeCheckpointStore } from './bridgeCheckpointStore.js';
export type { CheckpointBridge } from './bridgeCheckpointStore.js';
export { gpuInfo } from './gpuInfo.js';
export type { GpuInfo } from './gpuInfo.js';
export { createHeadlessPageApi } from './headlessPage.js';
export type {
  HeadlessHost,
  HeadlessData,
  HeadlessTrainOptions,
  HeadlessTrainRequest,
  HeadlessTrainResponse,
  HeadlessPredictRequest,
  HeadlessPageApi,
} from './headlessPage.js';
