import type { Command } from 'commander';
import { openStore } from '../store/open.js';
import { hashSecret } from '../server/auth/secrets.js';
import { loadHabilitation } from '../server/habilitations.js';
import { defaultDb } from './main.js';

const list = (v: string) => v.split(',').map((x) => x.trim()).filter(Boolean);

export function registerClient(program: Command): void {
  const profileForUser = (cu: string) => loadHabilitation().profileForUser(cu);
  const client = program.command('client').description('manage the clients (tools) allowed to call the directory');
  client
    .command('add')
    .description('register a client, or replace its registration')
    .requiredOption('--id <id>', 'client_id')
    .requiredOption('--secret <secret>', 'client_secret (stored hashed)')
    .option('--cu <code>', 'finalité of the tool (JDV_J68 CU code), gives its read profile')
    .option('--write <profiles>', 'write profiles, e.g. A,B', list, [])
    .option('--eg <ids>', 'EG identifiers the tool may write capacities for', list, [])
    .option('--operator', 'the directory operator (full rights)', false)
    .option('--db <file|url>', 'database', defaultDb())
    .action(async (o: { id: string; secret: string; cu?: string; write: string[]; eg: string[]; operator: boolean; db: string }) => {
      if (!o.operator && !o.cu) throw new Error('--cu is required (or --operator)');
      if (o.cu && profileForUser(o.cu) === null && !o.operator) throw new Error(`finalité ${o.cu} is mapped to no read profile`);
      for (const w of o.write) if (w !== 'A' && w !== 'B') throw new Error(`unknown write profile '${w}' (A or B)`);
      const store = await openStore(o.db);
      try {
        await store.migrate();
        await store.transaction((tx) =>
          tx.putClient({ id: o.id, secretHash: hashSecret(o.secret), cu: o.cu ?? 'OPERATOR', write: o.write, egs: o.eg, operator: o.operator, createdAt: Date.now() }),
        );
        const profile = o.operator ? 'operator' : `read profile ${profileForUser(o.cu!)}`;
        process.stdout.write(`client ${o.id} registered (${o.cu ?? 'operator'}, ${profile}${o.write.length ? `, write ${o.write.join(',')}` : ''})\n`);
      } finally {
        await store.close();
      }
    });
  client
    .command('list')
    .description('list the registered clients')
    .option('--db <file|url>', 'database', defaultDb())
    .action(async (o: { db: string }) => {
      const store = await openStore(o.db);
      try {
        await store.migrate();
        for (const c of await store.listClients()) {
          process.stdout.write(`${c.id}\t${c.operator ? 'operator' : c.cu}\tprofile ${c.operator ? 1 : profileForUser(c.cu)}\twrite ${c.write.join(',') || '-'}\n`);
        }
      } finally {
        await store.close();
      }
    });
  client
    .command('remove')
    .description('remove a client')
    .requiredOption('--id <id>', 'client_id')
    .option('--db <file|url>', 'database', defaultDb())
    .action(async (o: { id: string; db: string }) => {
      const store = await openStore(o.db);
      try {
        await store.migrate();
        const removed = await store.transaction((tx) => tx.deleteClient(o.id));
        if (!removed) throw new Error(`no client ${o.id}`);
        process.stdout.write(`client ${o.id} removed\n`);
      } finally {
        await store.close();
      }
    });
}
