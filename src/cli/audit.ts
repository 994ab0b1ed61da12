// `ror audit`: the operator's view of the audit trail (reads and writes), newest first.
import type { Command } from 'commander';
import { openStore } from '../store/open.js';
import { auditLine } from '../fhir/audit/format.js';
import { renderAuditEvent } from '../fhir/audit/event.js';
import { parseAuditSearch } from '../fhir/audit/search.js';
import { defaultDb, intOption } from './main.js';

export function registerAudit(program: Command): void {
  program
    .command('audit')
    .description('print the audit trail (every read and write as a FHIR AuditEvent), newest first')
    .option('--since <date>', 'only events recorded at or after this date / instant')
    .option('--until <date>', 'only events recorded at or before this date / instant')
    .option('--client <id>', 'only the events of this client')
    .option('--entity <Type/id>', 'only the events about this resource')
    .option('--action <C|R|U|D|E>', 'only this action')
    .option('--outcome <0|4|8>', 'only this outcome (0 success, 4 refused, 8 server failure)')
    .option('--limit <n>', 'at most n events', intOption('--limit', 1, 1_000_000), 100)
    .option('--json', 'print the AuditEvent resources (one JSON per line)', false)
    .option('--db <file|url>', 'database', defaultDb())
    .action(async (o: { since?: string; until?: string; client?: string; entity?: string; action?: string; outcome?: string; limit: number; json: boolean; db: string }) => {
      const params: [string, string][] = [];
      if (o.since) params.push(['date', `ge${o.since}`]);
      if (o.until) params.push(['date', `le${o.until}`]);
      if (o.client) params.push(['agent', o.client]);
      if (o.entity) params.push(['entity', o.entity]);
      if (o.action) params.push(['action', o.action]);
      if (o.outcome) params.push(['outcome', o.outcome]);
      const query = { ...parseAuditSearch(params), count: o.limit };
      const store = await openStore(o.db);
      try {
        await store.migrate();
        for (const row of await store.searchAudit(query)) {
          process.stdout.write(`${o.json ? renderAuditEvent(row.seq, row.body) : auditLine(row.seq, row.body)}\n`);
        }
      } finally {
        await store.close();
      }
    });
}
