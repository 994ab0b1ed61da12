// Durability of commits without blocking the event loop. SQLite's synchronous=FULL fsyncs the WAL inside
// COMMIT, on the only JavaScript thread: every request waits for the disk. Instead the write connection
// runs synchronous=NORMAL (the WAL is still synced before every checkpoint and the database file after
// it, so checkpoints stay safe) and, after each COMMIT, the WAL file is fdatasync'ed on libuv's thread
// pool; the transaction resolves only then, so an acknowledged write is durable exactly as with FULL.
import { closeSync, fdatasync, fstatSync, fsyncSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export class WalSync {
  private fd: number | null = null;
  private ino = 0;

  constructor(private readonly databaseFile: string) {}

  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  /**
   * Resolves once everything committed so far is on stable storage. Concurrent callers share syncs: one
   * runs at a time, and every caller that arrives while it runs waits for the single one after it.
   */
  sync(): Promise<void> {
    if (!this.running) return this.start();
    this.next ??= this.running.catch(() => undefined).then(() => {
      this.next = null;
      return this.start();
    });
    return this.next;
  }

  private start(): Promise<void> {
    let fd: number;
    try {
      fd = this.walFd();
    } catch (e) {
      return Promise.reject(e);
    }
    const run: Promise<void> = new Promise<void>((resolve, reject) => fdatasync(fd, (e) => (e ? reject(e) : resolve()))).finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }

  /** The WAL file's descriptor, reopened if the file was replaced (another process deleted it). */
  private walFd(): number {
    const wal = `${this.databaseFile}-wal`;
    const ino = statSync(wal).ino;
    if (this.fd !== null && ino === this.ino) return this.fd;
    this.close();
    this.fd = openSync(wal, 'r');
    this.ino = fstatSync(this.fd).ino;
    // a new WAL file: its directory entry must be durable too (once per WAL file, so synchronously)
    const dir = openSync(dirname(wal), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
    return this.fd;
  }

  /** Resolves when no sync is running or waiting. */
  async settled(): Promise<void> {
    while (this.next ?? this.running) await (this.next ?? this.running)!.catch(() => undefined);
  }

  /** After settled(). */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
