// A token that changes when another connection has committed a change to the directory (anything but the
// audit trail): for caches that only such commits can make stale. `PRAGMA data_version` alone changes at
// any other connection's commit, the audit writer's included (a batch of read events every second, which
// no cache holds); so when it has moved, the counter of directory changes (migration 6), which the store's
// writing transactions increment, says whether anything the caches remember did. This connection's own
// commits are counted apart: they never move the token (its caches write through).
import type Database from 'better-sqlite3';

export class DirectoryChanges {
  private readonly dataVersion: Database.Statement;
  private counter: Database.Statement | null = null;
  private increment: Database.Statement | null = null;
  private seenVersion: unknown = null;
  private token = 0;
  /** This connection's increments: committed, and in the open transaction. */
  private own = 0;
  private pending = 0;

  constructor(private readonly db: Database.Database) {
    this.dataVersion = db.prepare('PRAGMA data_version').pluck();
  }

  /** The current token (inside a write transaction: as of its start, since nobody else can commit). */
  current(): number {
    const version = this.dataVersion.get();
    if (version !== this.seenVersion) {
      this.seenVersion = version;
      // before migration 6 (a store opened on an older schema): any commit is a change
      this.token = this.tableExists() ? Number(this.counter!.get()) - this.own - this.pending : -1 - Number(version);
    }
    return this.token;
  }

  /** Inside a write transaction of this connection that changed the directory, before COMMIT. */
  count(): void {
    if (!this.tableExists()) return;
    this.increment ??= this.db.prepare('UPDATE directory_changes SET n = n + 1 WHERE id = 1');
    this.increment.run();
    this.pending++;
  }

  /** The transaction committed. */
  committed(): void {
    this.own += this.pending;
    this.pending = 0;
  }

  /** The transaction rolled back: its count never happened. */
  rolledBack(): void {
    this.pending = 0;
  }

  private tableExists(): boolean {
    if (this.counter) return true;
    try {
      this.counter = this.db.prepare('SELECT n FROM directory_changes WHERE id = 1').pluck();
      return true;
    } catch {
      return false;
    }
  }
}
