import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WORKER_YOUNG_GENERATION_MIB, YOUNG_GENERATION_FLAG } from './heap.js';
import { startWorker } from './threads.js';

const root = new URL('../', import.meta.url);

describe('young generation of ror processes', () => {
  it('is given on node\'s command line: the ror command\'s shebang and npm\'s scripts', () => {
    const firstLine = readFileSync(new URL('bin/ror.js', root), 'utf8').split('\n')[0];
    expect(firstLine).toBe(`#!/usr/bin/env -S node ${YOUNG_GENERATION_FLAG}`);
    const scripts = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toContain(`node ${YOUNG_GENERATION_FLAG} bin/ror.js`);
    expect(scripts.bench).toContain(`node ${YOUNG_GENERATION_FLAG} dist/bench/main.js`);
  });

  it('is given to worker threads through their resource limits', async () => {
    const worker = startWorker(new URL('./fhir/views/render-pool.ts', import.meta.url).href, 'render-worker');
    try {
      expect(worker.resourceLimits?.maxYoungGenerationSizeMb).toBe(WORKER_YOUNG_GENERATION_MIB);
    } finally {
      await worker.terminate();
    }
  });
});
