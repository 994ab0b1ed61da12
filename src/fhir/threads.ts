// Worker threads of the fhir layer (rendering, reading import files). Compiled, a worker's module is the
// .js file beside its caller; under the TypeScript sources (tests, tsx) it is the .ts file, loaded
// through tsx's loader.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Starts the worker whose module is `name` (without extension) next to the module at `callerUrl`. */
export function startWorker(callerUrl: string, name: string, options: WorkerOptions = {}): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), options);
  // tsx's ESM API by path: an eval'd worker resolves bare names from the working directory
  const tsx = pathToFileURL(join(dirname(createRequire(callerUrl).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const module = new URL(`./${name}.ts`, callerUrl).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module)}); })`, { ...options, eval: true });
}
