import type { Command } from 'commander';
import { serve } from '../server/start.js';
import { defaultDb, intOption } from './main.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the directory over FHIR R4')
    .option('--db <file|url>', 'SQLite file or postgres:// URL (env ROR_DB, DATABASE_URL)', defaultDb())
    .option('--port <n>', 'port', intOption('--port', 0, 65535), Number(process.env.PORT ?? 8080))
    .option('--host <host>', 'interface to listen on', process.env.HOST ?? '127.0.0.1')
    .action(async (o: { db: string; port: number; host: string }) => {
      const server = await serve({ db: o.db, port: o.port, host: o.host });
      process.stdout.write(`ror: serving ${o.db} on ${server.url}/fhir\n`);
      const stop = () => void server.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
