// Fixture builder shared by the contract suite and adapter tests (no test framework imports, so a child
// process can use it too).
import type { ResourceWrite } from './contract.js';
import type { IndexEntry } from './query.js';

export interface Fixture {
  type: string;
  id: string;
  version?: number;
  /** Resource lastUpdated (differs on purpose from the views'). */
  lu?: number;
  /** Views' lastUpdated. */
  viewLu?: number;
  /** Profiles for which the view exists (default all). */
  profiles?: number[];
  index?: IndexEntry[] | null;
  deleted?: boolean;
}

export const bodyOf = (type: string, id: string, version: number): string => JSON.stringify({ resourceType: type, id, meta: { versionId: String(version) } });

export function change(f: Fixture): ResourceWrite {
  const version = f.version ?? 1;
  const viewLu = f.viewLu ?? f.lu ?? 1000;
  const profiles = f.deleted ? [] : f.profiles ?? [0, 1, 2, 3, 4, 5];
  const body = bodyOf(f.type, f.id, version);
  return {
    resource: { type: f.type, id: f.id, version, lastUpdated: f.lu ?? 9999, body: f.deleted ? null : body },
    views: [0, 1, 2, 3, 4, 5].map((p) => ({ profile: p, version, lastUpdated: viewLu, body: profiles.includes(p) ? body : null, hash: `h${version}` })),
    index: f.index === undefined ? [] : f.index,
  };
}

