import cluster from 'node:cluster';
import type { Command } from 'commander';
import { startCluster } from '../server/cluster.js';
import { serve, WRITE_THREAD_NICE } from '../server/start.js';
import { loadHabilitation } from '../server/habilitations.js';
import { defaultDb, intOption } from './main.js';

interface ServeCliOptions {
  db: string;
  port: number;
  host: string;
  workers: number;
  habilitations?: string;
  writeNice?: number;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the directory over FHIR R4')
    .option('--db <file|url>', 'SQLite file or postgres:// URL (env ROR_DB, DATABASE_URL)', defaultDb())
    .option('--port <n>', 'port', intOption('--port', 0, 65535), Number(process.env.PORT ?? 8080))
    .option('--host <host>', 'interface to listen on', process.env.HOST ?? '127.0.0.1')
    .option('--workers <n>', 'server processes sharing the port (env ROR_WORKERS; one per core is typical)',
      intOption('--workers', 1, 1024), Number(process.env.ROR_WORKERS ?? 1))
    .option('--habilitations <file>', 'JSON overrides of the habilitation table, {"CUxx": profile | null} (env ROR_HABILITATIONS)')
    .option('--write-nice <n>', `nice value of the write thread, -20 (first) to 19, 0 for the same as reads; below 0 needs CAP_SYS_NICE (env ROR_WRITE_NICE; Linux; default ${WRITE_THREAD_NICE})`,
      intOption('--write-nice', -20, 19))
    .action(async (o: ServeCliOptions) => {
      // through the environment, so that every worker process applies the same table
      if (o.habilitations) process.env.ROR_HABILITATIONS = o.habilitations;
      loadHabilitation(); // a broken file stops the start with a clear message
      const env = process.env.ROR_WRITE_NICE; // so does a wrong value, before any worker starts
      const writeNice = o.writeNice ?? (env === undefined ? undefined : intOption('ROR_WRITE_NICE', -20, 19)(env));
      if (o.workers > 1 && cluster.isPrimary) {
        const running = await startCluster({ db: o.db, port: o.port, host: o.host, workers: o.workers });
        process.stdout.write(`ror: serving ${o.db} on ${running.url}/fhir with ${o.workers} workers\n`);
        const stop = () => void running.stop().then(() => process.exit(0));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        return;
      }
      const server = await serve({ db: o.db, port: o.port, host: o.host, writeNice });
      if (cluster.isPrimary) process.stdout.write(`ror: serving ${o.db} on ${server.url}/fhir\n`);
      const stop = () => void server.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
