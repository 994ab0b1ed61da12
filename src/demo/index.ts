export { generateDataset, countDataset, selectionFor, DEFAULT_SEED, DEFAULT_REGION, DEFAULT_SMALL_DEPARTEMENTS, SMALL_VILLE_FRACTION } from './generate.js';
export type { DemoScale, GenerateOptions, Selection } from './generate.js';
export { writeNdjson } from './ndjson.js';
