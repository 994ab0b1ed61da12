// A token that changes when another connection has committed a change to the directory (a resource or a
// view, not the audit trail): for caches that only such commits can make stale. `PRAGMA data_version`
// alone changes at any other connection's commit, the audit writer's included (a batch of read events
// every second, which no cache holds); so when it has moved, the counter of directory changes (migration
// 6: triggers on res and views count every change, whoever writes it) says whether anything the caches
// remember did. This connection's own commits never move the token (its caches write through).
import type Database from 'better-sqlite3';

export class DirectoryChanges {
  private readonly dataVersion: Database.Statement;
  private counter: Database.Statement | null = null;
  private seenVersion: unknown = null;
  /** The counter as last known to include every change this token accounts for. */
  private seenCount: number | null = null;
  private token = 0;

  constructor(private readonly db: Database.Database) {
    this.dataVersion = db.prepare('PRAGMA data_version').pluck();
  }

  /** The current token (inside a write transaction: as of its start, since nobody else can commit). */
  current(): number {
    const version = this.dataVersion.get();
    if (version !== this.seenVersion) {
      this.seenVersion = version;
      // before migration 6 (a store opened on an older schema): any commit is a change
      const count = this.count() ?? -1;
      if (count === -1 || count !== this.seenCount) this.token++;
      this.seenCount = count;
    }
    return this.token;
  }

  /** Inside a write transaction of this connection, before COMMIT: its own changes are not another's. */
  committing(): void {
    this.current();
    this.seenCount = this.count();
  }

  /** The transaction rolled back: what committing() read never happened, and the next token is new. */
  rolledBack(): void {
    this.seenVersion = null;
    this.seenCount = null;
  }

  private count(): number | null {
    if (!this.counter) {
      try {
        this.counter = this.db.prepare('SELECT n FROM directory_changes WHERE id = 1').pluck();
      } catch {
        return null;
      }
    }
    return Number(this.counter.get());
  }
}
