// Re-renders resources inside one write transaction until every view is consistent with its
// neighbours: sectors and sensitivity come from neighbours (policy-decisions §1, §4) and references to
// resources that do not exist for a profile are removed from that profile's view (§4b).

import { ALL_PROFILES, type Resource } from '../../policy/index.js';
import type { StoreTx } from '../../store/contract.js';
import { parseReference } from '../resource-types.js';
import type { Neighbourhood } from './context.js';
import { SessionNeighbourhood } from './session.js';
import { renderOne, type Rendered } from './render-one.js';
import { RenderPipeline } from './render-pipeline.js';
import type { RenderWorker } from './render-pool.js';

/** Render order: what a resource's context reads from the index is rendered before it. */
const ORDER: Record<string, number> = {
  Organization: 0,
  HealthcareService: 1,
  Location: 2,
  PractitionerRole: 3,
  Practitioner: 4,
  Task: 5,
};

const key = (type: string, id: string) => `${type}/${id}`;
const MAX_ROUNDS = 4;

/**
 * Renders the given resources (and, when `withDependants`, those whose context depends on them), then
 * fixes up referrers of resources that do not exist for every profile. `nb`: the write session's
 * neighbourhood (what it already knows is not read again).
 */
export async function renderAll(
  tx: StoreTx, keys: Iterable<string>, now: number, withDependants: boolean, nb: SessionNeighbourhood = new SessionNeighbourhood(tx),
  worker?: RenderWorker,
): Promise<number> {
  const pending = new Set(keys);
  if (withDependants) {
    for (const k of [...pending]) for (const d of await contextDependants(tx, nb, k)) pending.add(d);
  }
  let rendered = 0;
  let round = new Set(pending);
  for (let r = 0; r < MAX_ROUNDS && round.size > 0; r++) {
    const sortedOrder = await renderOrder(nb, round);
    const position = new Map(sortedOrder.map((k, i) => [k, i]));
    const moved: { key: string; mask: number; seen: number }[] = [];
    const results = await renderRound(nb, sortedOrder, now, worker);
    for (const k of sortedOrder) {
      const result = results.get(k) ?? null;
      rendered++;
      // referrers already reflect the existence they saw: only a change (narrower or wider) makes them stale
      if (result !== null && result.existence !== result.seen) moved.push({ key: k, mask: result.existence, seen: result.seen });
    }
    const next = new Set<string>();
    for (const { key: k, mask, seen } of moved) {
      const [type, id] = split(k);
      for (const ref of await tx.referrers(type, id)) {
        const rk = key(ref.type, ref.id);
        // A referrer rendered after the target already saw the target's existence.
        if (round.has(rk) && (position.get(rk) ?? -1) > (position.get(k) ?? -1)) continue;
        const existence = await nb.existence(ref.type, ref.id);
        // only a referrer existing for a profile whose view of the target changed can be stale
        if (existence !== null && (existence & (mask ^ seen)) !== 0) next.add(rk);
      }
    }
    if (process.env.ROR_DEBUG_RENDER) console.error(`render round ${r}: ${sortedOrder.length} rendered, next ${next.size}`);
    round = next;
  }
  return rendered;
}

/** Renders the keys in order, on the worker when there is one (same result: see render-pipeline.ts). */
async function renderRound(nb: SessionNeighbourhood, keys: string[], now: number, worker?: RenderWorker): Promise<Map<string, Rendered>> {
  if (worker) {
    const pipeline = new RenderPipeline(nb, worker, now);
    for (const k of keys) await pipeline.add(k);
    await pipeline.drain();
    return pipeline.results;
  }
  const results = new Map<string, Rendered>();
  for (const k of keys) {
    const [type, id] = split(k);
    results.set(k, await renderOne(nb, type, id, now));
  }
  return results;
}

function split(k: string): [string, string] {
  const i = k.indexOf('/');
  return [k.slice(0, i), k.slice(i + 1)];
}

/** Deepest partOf chain counted (a cycle or a longer chain ranks as this deep). */
const MAX_ORGANIZATION_DEPTH = 8;

/**
 * By type; Organizations deepest first (by their partOf chain), so that every Organization's children
 * are indexed before it (an EJ's EGs before the EJ, an EG's own sub-organisations before the EG), and an
 * Organization is seldom rendered next to its parent: the render pipeline would have to wait for one
 * before preparing the other (render-pipeline.ts).
 */
async function renderOrder(nb: Neighbourhood, keys: Set<string>): Promise<string[]> {
  const ranked: [number, string][] = [];
  for (const k of keys) {
    const [type, id] = split(k);
    let rank = (ORDER[type] ?? 9) * (MAX_ORGANIZATION_DEPTH + 1);
    if (type === 'Organization') rank += MAX_ORGANIZATION_DEPTH - (await organizationDepth(nb, id));
    ranked.push([rank, k]);
  }
  return ranked.sort((a, b) => a[0] - b[0]).map((x) => x[1]);
}

/** How many partOf links lead up from an Organization (0: it has no parent). */
async function organizationDepth(nb: Neighbourhood, id: string): Promise<number> {
  let depth = 0;
  let org = await nb.resource('Organization', id);
  while (depth < MAX_ORGANIZATION_DEPTH) {
    const parent = parseReference((org as { partOf?: { reference?: string } } | null)?.partOf?.reference);
    if (!parent || parent.type !== 'Organization') break;
    depth++;
    org = await nb.resource('Organization', parent.id);
  }
  return depth;
}

/** Resources whose policy context reads this one (policy-decisions §1). */
export async function contextDependants(tx: StoreTx, nb: Neighbourhood, k: string): Promise<string[]> {
  const [type, id] = split(k);
  const out: string[] = [];
  const referrers = async (param: string, fromType: string) =>
    (await tx.referrers(type, id, [param])).filter((r) => r.type === fromType).map((r) => key(r.type, r.id));
  const resource = await nb.resource(type, id);
  switch (type) {
    case 'Organization': {
      out.push(...(await referrers('partof', 'Organization')));
      out.push(...(await referrers('organization', 'HealthcareService')));
      out.push(...(await referrers('organization', 'Location')));
      out.push(...(await referrers('organization', 'PractitionerRole')));
      const parent = parseReference((resource as any)?.partOf?.reference);
      if (parent) out.push(key(parent.type, parent.id));
      break;
    }
    case 'HealthcareService': {
      for (const loc of ((resource as any)?.location ?? []) as { reference?: string }[]) {
        const t = parseReference(loc.reference);
        if (t) out.push(key(t.type, t.id));
      }
      for (const role of await referrers('service', 'PractitionerRole')) {
        out.push(role);
        const r = await nb.resource('PractitionerRole', split(role)[1]);
        const p = parseReference((r as any)?.practitioner?.reference);
        if (p) out.push(key(p.type, p.id));
      }
      break;
    }
    case 'PractitionerRole': {
      const p = parseReference((resource as any)?.practitioner?.reference);
      if (p) out.push(key(p.type, p.id));
      break;
    }
  }
  return out;
}

export { ORDER as RENDER_ORDER };
