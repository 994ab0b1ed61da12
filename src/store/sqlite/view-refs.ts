// Which body is each resource's current view, remembered between commits. Looking it up is one indexed
// statement per read (`res` → `views`), and each statement outside a transaction opens a read snapshot of
// its own: a sixth of a read by id's CPU. The remembered answers are kept while no connection (this
// process's writer, another process) has committed a change to the directory (directory-changes.ts):
// checking `PRAGMA data_version` costs half the lookup, and the counter of changes is read only when it
// has moved. A change anywhere forgets everything; the audit thread's batches of read events do not.
import type Database from 'better-sqlite3';
import { DirectoryChanges } from './directory-changes.js';

export interface ViewRef {
  version: number;
  last_updated: number;
  bid: number | null;
}

/** Answers remembered at most between two commits (bounds memory when nothing commits for long). */
const MAX_ENTRIES = 100_000;

export class ViewRefCache {
  private readonly changes: DirectoryChanges;
  private seen: number | null = null;
  private refs = new Map<string, ViewRef | null>();

  constructor(db: Database.Database) {
    this.changes = new DirectoryChanges(db);
  }

  /** The current view reference of (profile, type, id), from `lookup` unless known since the last commit. */
  get(profile: number, type: string, id: string, lookup: () => ViewRef | undefined): ViewRef | null {
    const version = this.changes.current();
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
