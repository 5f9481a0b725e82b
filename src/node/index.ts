// The Node entry point: the whole isomorphic API plus file-system helpers.
export * from '../index.js';
