// `ror rerender`: renders every stored resource again under this release's reading of the policy (after
// an upgrade that reads it more strictly): the views and index rows that come out differently are
// replaced, the others are left as they are.
import type { Command } from 'commander';
import { rerenderAll } from '../fhir/rerender.js';
import { openStore } from '../store/open.js';
import { defaultDb } from './main.js';

export function registerRerender(program: Command): void {
  program
    .command('rerender')
    .description('render every stored resource again under this release\'s reading of the policy')
    .option('--db <file|url>', 'SQLite file or postgres:// URL (env ROR_DB, DATABASE_URL)', defaultDb())
    .action(async (o: { db: string }) => {
      if (o.db === ':memory:') throw new Error('rerender needs a database file or a postgres:// URL');
      const store = await openStore(o.db);
      try {
        await store.migrate();
        const report = await rerenderAll(store, (type, n) => process.stderr.write(`\rror: ${n} resources rendered (${type})…`));
        process.stderr.write('\n');
        process.stdout.write(`ror: ${report.rendered} resources rendered again\n`);
      } finally {
        await store.close();
      }
    });
}
