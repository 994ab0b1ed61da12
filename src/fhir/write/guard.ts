// Whether a tool's write profiles allow every element a change touches (changed-elements.ts: the
// catalogue's path style, `location`, `extension(<name>)`). The allowed elements are the policy's data
// (WRITE_PROFILES / mayWrite), never a list kept here.

import { mayWrite, WRITE_PROFILES, type WriteProfile } from '../../policy/index.js';
import type { ChangedElement } from '../changed-elements.js';
import { FhirError } from '../errors.js';
import type { Caller } from '../rest/types.js';


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
export function assertToolMayChange(caller: Caller, type: string, changes: readonly ChangedElement[]): WriteProfile {
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
