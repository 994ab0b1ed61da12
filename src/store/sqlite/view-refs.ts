// Which body is each resource's current view, remembered between commits. Looking it up is one indexed
// statement per read (`res` → `views`), and each statement outside a transaction opens a read snapshot of
// its own: a sixth of a read by id's CPU. `PRAGMA data_version` on the read connection changes as soon as
// any other connection (this process's writer, its audit thread, another process) has committed, so while
// it has not changed every remembered answer is still the database's answer: checking it costs half the
// lookup, and a commit anywhere forgets everything.
import type Database from 'better-sqlite3';

export interface ViewRef {
  version: number;
  last_updated: number;
  bid: number | null;
}

/** Answers remembered at most between two commits (bounds memory when nothing commits for long). */
const MAX_ENTRIES = 100_000;

export class ViewRefCache {
  private readonly dataVersion: Database.Statement;
  private seen: unknown = null;
  private refs = new Map<string, ViewRef | null>();

  constructor(db: Database.Database) {
    this.dataVersion = db.prepare('PRAGMA data_version').pluck();
  }

  /** The current view reference of (profile, type, id), from `lookup` unless known since the last commit. */
  get(profile: number, type: string, id: string, lookup: () => ViewRef | undefined): ViewRef | null {
    const version = this.dataVersion.get();
    if (version !== this.seen || this.refs.size >= MAX_ENTRIES) {
      this.refs = new Map();
      this.seen = version;
    }
    const key = `${profile}\u0000${type}\u0000${id}`;
    let ref = this.refs.get(key);
    if (ref === undefined) {
      ref = lookup() ?? null;
      this.refs.set(key, ref);
    }
    return ref;
  }
}
