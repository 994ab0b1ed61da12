import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { openStore } from '../store/open.js';
import { bulkLoadCacheMiB } from '../store/sqlite/index.js';
import { loadFile } from '../fhir/load.js';
import { createProgress } from '../fhir/import/index.js';
import { FhirError } from '../fhir/errors.js';
import { defaultDb, intOption } from './main.js';

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('import FHIR Bundles (collection, batch, transaction) or NDJSON files, each all-or-nothing')
    .argument('<files...>', 'files (.json, .ndjson, optionally .gz)')
    .option('--db <file|url>', 'database', defaultDb())
    .option('--cache-mib <n>', 'SQLite page cache for the load, MiB (default: an eighth of memory, 64 to 4096)', intOption('--cache-mib', 1, 1 << 20))
    .action(async (files: string[], o: { db: string; cacheMib?: number }) => {
      const store = await openStore(o.db, { cacheMiB: o.cacheMib ?? bulkLoadCacheMiB() });
      let failed = false;
      try {
        await store.migrate();
        for (const file of files) {
          const started = Date.now();
          let progress: ReturnType<typeof createProgress> | undefined;
          try {
            progress = createProgress(statSync(file).size, file);
            const r = await loadFile(store, file, (bytes, _total, n) => progress!.update(bytes, n));
            progress.stop();
            const secs = (Date.now() - started) / 1000;
            process.stdout.write(
              `${file}: ${r.resources} resources in ${secs.toFixed(1)} s (${Math.round(r.resources / Math.max(secs, 0.001))}/s): ` +
                `${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged, ${r.deleted} deleted, ${r.warnings} warnings\n`,
            );
            for (const w of r.sampleWarnings) process.stdout.write(`  warning: ${w}\n`);
          } catch (e) {
            progress?.stop();
            failed = true;
            const msg = e instanceof FhirError ? e.issues.map((i) => i.diagnostics).join('\n  ') : e instanceof Error ? e.message : String(e);
            process.stderr.write(`${file}: not imported (nothing written): ${msg}\n`);
          }
        }
      } finally {
        await store.close();
      }
      if (failed) process.exitCode = 1;
    });
}
