// Which elements a change touches, in the catalogue's path style (`location`, `extension(<name>)`), and
// whether a tool's write profiles allow every one of them. The allowed elements are the policy's data
// (WRITE_PROFILES / mayWrite), never a list kept here.

import { mayWrite, WRITE_PROFILES, type WriteProfile } from '../../policy/index.js';
import { FhirError } from '../errors.js';
import type { Caller } from '../rest/types.js';
import { deepEqual } from './json-patch.js';

type Json = Record<string, unknown>;

export interface ChangedElement {
  /** Catalogue-style path: a top-level element name, or `extension(<last segment of the url>)`. */
  path: string;
  /** For extensions: the full url. */
  url?: string;
}

const SERVER_META = new Set(['versionId', 'lastUpdated']);
const EXTENSION_KEYS = new Set(['extension', 'modifierExtension']);
const shortName = (url: string) => url.slice(url.lastIndexOf('/') + 1);

function groupByUrl(list: unknown): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const e of Array.isArray(list) ? list : []) {
    const url = String((e as Json)?.url ?? '');
    const xs = out.get(url);
    if (xs) xs.push(e);
    else out.set(url, [e]);
  }
  return out;
}

const metaWithoutServer = (m: unknown): Json =>
  Object.fromEntries(Object.entries((m as Json) ?? {}).filter(([k]) => !SERVER_META.has(k)));

/** The elements that differ between two versions of a resource (before null: creation). */
export function changedElements(before: Json | null, after: Json): ChangedElement[] {
  const b = before ?? {};
  const out: ChangedElement[] = [];
  const keys = new Set([...Object.keys(b), ...Object.keys(after)]);
  for (const k of keys) {
    if (k === 'resourceType' || k === 'id') continue;
    if (k === 'meta') {
      if (!deepEqual(metaWithoutServer(b.meta), metaWithoutServer(after.meta))) out.push({ path: 'meta' });
      continue;
    }
    if (EXTENSION_KEYS.has(k)) {
      const x = groupByUrl(b[k]);
      const y = groupByUrl(after[k]);
      for (const url of new Set([...x.keys(), ...y.keys()])) {
        if (!deepEqual(x.get(url) ?? [], y.get(url) ?? [])) out.push({ path: `${k}(${shortName(url)})`, url });
      }
      continue;
    }
    if (!deepEqual(b[k], after[k])) out.push({ path: k });
  }
  return out;
}

/** Whether write profile `p` covers this changed element of `type`: the policy's mayWrite, and for an
 * extension also the exact url when the policy names one. */
export function profileCovers(p: WriteProfile, type: string, change: ChangedElement): boolean {
  if (!mayWrite(p, type, change.path)) return false;
  if (!change.url) return true;
  return WRITE_PROFILES[p].elements.some((e) => e.type === type && (e.path === '*' || (e.path === change.path && (!e.extensionUrl || e.extensionUrl === change.url))));
}

export const toolWriteProfiles = (caller: Caller): WriteProfile[] =>
  caller.write.filter((w): w is WriteProfile => w === 'A' || w === 'B');

/** 403 unless some write profile of the (non-operator) caller covers every changed element. Returns the
 * profile that does. */
export function assertToolMayChange(caller: Caller, type: string, changes: ChangedElement[]): WriteProfile {
  const profiles = toolWriteProfiles(caller);
  const forbiddenFor = (p: WriteProfile) => changes.filter((c) => !profileCovers(p, type, c));
  for (const p of profiles) if (forbiddenFor(p).length === 0) return p;
  if (profiles.length === 0) throw new FhirError(403, 'forbidden', 'This client has no write rights');
  const denied = forbiddenFor(profiles[0]).map((c) => `${type}.${c.path}`);
  throw new FhirError(403, 'forbidden', `The write profile${profiles.length > 1 ? 's' : ''} of this client (${profiles.join(', ')}) may not change ${denied.join(', ')}`, denied);
}

/** 403 unless the caller holds write profile `p` (or is the operator). */
export function assertHolds(caller: Caller, p: WriteProfile): void {
  if (caller.operator) return;
  if (!caller.write.includes(p)) throw new FhirError(403, 'forbidden', `This interaction needs write profile ${p}: ${WRITE_PROFILES[p].title}`);
}
