export { readResources, type ResourceReader, type ReadOptions } from './read.js';
export { detectFormat, type ImportFormat, type DetectedFormat } from './source.js';
export { ImportDeletion, isDeletion, DIRECTORY_TYPES, type ImportItem } from './items.js';
export { ImportError, type ImportPosition } from './errors.js';
export { deterministicId } from './ids.js';
export { createProgress, type Progress, type ProgressOptions } from './progress.js';
