import type { Command } from 'commander';
import { renderCatalogueMarkdown } from '../policy/index.js';
import { openStore } from '../store/open.js';
import { explainStored } from '../fhir/explain.js';
import { defaultDb, intOption } from './main.js';

export function registerPolicy(program: Command): void {
  const policy = program.command('policy').description('the access-policy catalogue');
  policy
    .command('show')
    .description('print the catalogue as the policy document’s Annex 2 tables')
    .action(() => {
      process.stdout.write(renderCatalogueMarkdown());
    });
  policy
    .command('explain')
    .description('show what each profile sees of one stored resource, and why')
    .argument('<ref>', 'Type/id')
    .option('--profile <n>', 'only this profile', intOption('--profile', 0, 5))
    .option('--db <file|url>', 'database', defaultDb())
    .action(async (ref: string, o: { profile?: number; db: string }) => {
      const store = await openStore(o.db);
      try {
        await store.migrate();
        process.stdout.write(await explainStored(store, ref, o.profile));
      } finally {
        await store.close();
      }
    });
}
