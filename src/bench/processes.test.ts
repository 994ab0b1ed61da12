import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { waitIdle, waitWalSettled } from './processes.js';

describe('waitIdle', () => {
  it('returns once the process has stopped working, not before', async () => {
    // busy for 600 ms, then says so and idles
    const child = spawn(process.execPath, ['-e', "const t = Date.now(); while (Date.now() - t < 600); console.log('idle'); setTimeout(() => {}, 10000);"], { stdio: ['ignore', 'pipe', 'ignore'] });
    let said = '';
    child.stdout.on('data', (d: Buffer) => (said += d.toString()));
    try {
      await new Promise((r) => setTimeout(r, 100)); // started and busy
      await waitIdle(child.pid!, 10_000);
      expect(said).toContain('idle');
    } finally {
      child.kill();
    }
  });
});

describe('waitWalSettled', () => {
  it('returns once a checkpoint has taken the WAL under the bound, not before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ror-wal-settled-'));
    const file = join(dir, 'a.sqlite');
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('wal_autocheckpoint = 0');
      db.exec('CREATE TABLE t (x)');
      const insert = db.prepare('INSERT INTO t VALUES (randomblob(3000))');
      for (let i = 0; i < 50; i++) insert.run();
      expect(await waitWalSettled(file, 10, 300)).toBeGreaterThan(10); // nobody checkpoints: gives up
      let checkpointed = false;
      setTimeout(() => {
        db.pragma('wal_checkpoint(PASSIVE)');
        checkpointed = true;
      }, 300);
      expect(await waitWalSettled(file, 10, 10_000)).toBeLessThanOrEqual(10);
      expect(checkpointed).toBe(true);
      expect(await waitWalSettled(join(dir, 'none.sqlite'), 10)).toBeNull();
      expect(await waitWalSettled('postgres://127.0.0.1:5432/test', 10)).toBeNull();
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
