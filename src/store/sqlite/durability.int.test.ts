// An acknowledged write survives kill -9: a child commits in a loop, is killed with SIGKILL, and every
// write it reported as committed must then be readable, in a database that passes integrity_check.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { openSqliteStore } from './store.js';

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'ror-durability-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('keeps every acknowledged write after SIGKILL', async () => {
  const file = join(dir, 'killed.sqlite');
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'durability-child.ts'), file], {
    cwd: join(here, '../../..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const acknowledged = await new Promise<string[]>((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      // kill in the middle of the stream of commits
      if (out.split('\n').length > 200 && !child.killed) child.kill('SIGKILL');
    });
    child.on('error', reject);
    // only complete lines: the last segment is empty or cut by the kill
    child.on('exit', () => resolve(out.split('\n').slice(0, -1)));
  });
  expect(acknowledged.length).toBeGreaterThanOrEqual(200);

  const check = new Database(file);
  expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
  check.close();
  const store = await openSqliteStore(file);
  await store.migrate();
  const found = await store.readResources(acknowledged.map((id) => ({ type: 'Organization', id })));
  expect(found.length).toBe(acknowledged.length);
  const last = acknowledged[acknowledged.length - 1];
  expect((await store.search({ type: 'Organization', profile: 0, where: [{ op: 'id', ids: [last] }], sort: [], count: 1, total: false })).rows.map((r) => r.id)).toEqual([last]);
  await store.close();
});
