// A worker thread on a module of this package, from the compiled JavaScript or, under the TypeScript
// sources (the tests run them), from the .ts file through tsx: Node 20 does not apply the --import hooks
// of execArgv inside a worker, so the worker registers tsx itself before importing its module.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The URL of tsx's ESM API (an eval worker resolves bare specifiers from the working directory). */
function tsxEsmApi(): string {
  const packageJson = createRequire(import.meta.url).resolve('tsx/package.json');
  const entry = (JSON.parse(readFileSync(packageJson, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api'].import.default;
  return new URL(entry, pathToFileURL(packageJson)).href;
}

/** `moduleUrl` is the sibling module's URL, `new URL('./x.js', import.meta.url)`, written with .js. */
export function startWorker(moduleUrl: URL, options: WorkerOptions = {}): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(moduleUrl, options);
  const source = moduleUrl.href.replace(/\.js$/, '.ts');
  const boot = `import(${JSON.stringify(tsxEsmApi())}).then(({ register }) => { register(); return import(${JSON.stringify(source)}); })`;
  return new Worker(boot, { ...options, eval: true });
}
