// The frames a checkpoint has not copied yet, read from the WAL-index as SQLite lays it out.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { WalPending } from './wal-pending.js';

const dir = mkdtempSync(join(tmpdir(), 'ror-wal-pending-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('frames pending in the WAL', () => {
  it('counts the frames written since the last checkpoint, not the size of the WAL file', () => {
    const file = join(dir, 'a.sqlite');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (x)');
    const pending = new WalPending(file);
    const insert = db.prepare('INSERT INTO t VALUES (randomblob(3000))');
    for (let i = 0; i < 50; i++) insert.run();
    const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    expect(log).toBeGreaterThan(50);
    expect(pending.frames()).toBe(0); // everything copied, the file as large as before
    for (let i = 0; i < 10; i++) insert.run(); // the WAL starts over: ten commits, a frame or two each
    const frames = pending.frames()!;
    expect(frames).toBeGreaterThanOrEqual(10);
    expect(frames).toBeLessThan(40);
    pending.close();
    db.close();
  });

  it('is null without a WAL-index', () => {
    expect(new WalPending(join(dir, 'none.sqlite')).frames()).toBeNull();
  });
});
