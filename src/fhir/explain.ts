// What each profile sees of one stored resource, and why: the catalogue rows that hid each path.

import { PROFILES, renderViews, type Resource } from '../policy/index.js';
import type { Store } from '../store/contract.js';
import { notFound } from './errors.js';
import { parseReference } from './resource-types.js';
import { resolveContext, storeNeighbourhood } from './views/context.js';

export interface Explanation {
  reference: string;
  sectors: string[];
  sensitive: boolean;
  profiles: { profile: number; exists: boolean; hidden: { path: string; group: string; level: number; sectors: string[]; rule: string }[] }[];
}

export async function explain(store: Store, ref: string): Promise<Explanation> {
  const target = parseReference(ref);
  if (!target) throw notFound(`'${ref}' is not a Type/id reference`);
  const stored = await store.readResource(target.type, target.id);
  if (!stored?.body) throw notFound(`${ref} is not known`);
  const raw = JSON.parse(stored.body) as Resource;
  const ctx = await resolveContext(storeNeighbourhood(store), raw);
  const rendered = renderViews(raw, ctx);
  return {
    reference: ref,
    sectors: [...ctx.sectors],
    sensitive: ctx.sensitive,
    profiles: PROFILES.map((p) => ({ profile: p, exists: rendered.views[p] !== null, hidden: rendered.hidden[p] ?? [] })),
  };
}

export async function explainStored(store: Store, ref: string, only?: number): Promise<string> {
  const e = await explain(store, ref);
  const lines = [`${e.reference}: sectors ${e.sectors.join(', ')}${e.sensitive ? ', sensitive unit cascade' : ''}`];
  for (const p of e.profiles) {
    if (only !== undefined && p.profile !== only) continue;
    if (!p.exists) {
      lines.push(`profile ${p.profile}: does not exist for this profile`);
      continue;
    }
    lines.push(`profile ${p.profile}: ${p.hidden.length ? `${p.hidden.length} path(s) hidden` : 'sees everything'}`);
    for (const h of p.hidden) lines.push(`  - ${h.path}: ${h.group}, level ${h.level} in ${h.sectors.join('/')} (${h.rule})`);
  }
  return lines.join('\n') + '\n';
}
