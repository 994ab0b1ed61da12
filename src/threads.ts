// Worker threads of this package (the import's reader and renderer, the SQLite audit writer), shared by
// every layer. Compiled, a worker's module is the .js file beside its caller; under the TypeScript sources
// (tests, tsx) it is the .ts file, loaded through tsx: Node 20 does not apply the --import hooks of a
// worker's execArgv, so the worker registers tsx itself before importing its module.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { WORKER_YOUNG_GENERATION_MIB } from './heap.js';

/** The URL of tsx's ESM API, from its package's export map (an eval'd worker resolves bare names from
 * the working directory, so it gets a URL). */
function tsxEsmApi(callerUrl: string): string {
  const packageJson = createRequire(callerUrl).resolve('tsx/package.json');
  const exports = (JSON.parse(readFileSync(packageJson, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports;
  return new URL(exports['./esm/api'].import.default, pathToFileURL(packageJson)).href;
}

/** Starts the worker whose module is `name` (without extension) next to the module at `callerUrl`. */
export function startWorker(callerUrl: string, name: string, given: WorkerOptions = {}): Worker {
  const options: WorkerOptions = { ...given, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MIB, ...given.resourceLimits } };
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), options);
  const module = new URL(`./${name}.ts`, callerUrl).href;
  const boot = `import(${JSON.stringify(tsxEsmApi(callerUrl))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module)}); })`;
  return new Worker(boot, { ...options, eval: true });
}
