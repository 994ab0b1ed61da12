// Two writers on one database file (as `serve --workers N` runs them): the one waiting for the write lock
// waits asynchronously, so its process keeps serving (a synchronous busy wait would freeze the event
// loop; here, in one process, it would even deadlock until the busy timeout).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'ror-busy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite write lock held by another connection', () => {
  it('is awaited without blocking the event loop', async () => {
    const file = join(dir, 'busy.db');
    const a = await openSqliteStore(file);
    const b = await openSqliteStore(file);
    await a.migrate();
    await b.migrate();
    const client = (id: string) => ({ id, secretHash: 'x', cu: 'CU22', write: [], egs: [], operator: false, createdAt: 0 });
    {
      const holding = a.transaction(async (tx) => {
        await tx.putClient(client('from-a'));
        await new Promise((r) => setTimeout(r, 300)); // holds the write lock while the loop runs
      });
      await new Promise((r) => setTimeout(r, 20));
      const waiting = b.transaction((tx) => tx.putClient(client('from-b')));
      // With a synchronous wait, b would block the loop that a needs to finish: SQLITE_BUSY after 5 s.
      await Promise.all([holding, waiting]);
    }
    expect((await a.getClient('from-b'))?.id).toBe('from-b');
    expect((await b.getClient('from-a'))?.id).toBe('from-a');
    await a.close();
    await b.close();
  });
});
