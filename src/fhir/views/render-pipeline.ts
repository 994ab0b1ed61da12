// One render round on a worker thread, with exactly the result of rendering the keys one after the other
// on the main thread (renderOne). The main thread resolves each resource's context (store reads), the
// worker renders (render-job.ts), the main thread writes the outcome; the worker renders one batch while
// the main thread prepares the next and writes the previous.
//
// A context must see the writes of every resource rendered before it, as it would in order. A context
// reads the raw resources of its neighbours (never changed by a render), the existence of the resources
// it references, and the index rows of the resources referencing it (context.ts), which reach down to
// lower types only, except between Organizations (an Organization's sector may come from its ancestors'
// other children). So before a resource is prepared, every render still pending is written when: the type
// changes, it references a pending resource, or a pending resource references it or, for an Organization,
// one of its ancestors.
import type { StoredView } from '../../store/contract.js';
import { parseReference } from '../resource-types.js';
import { ALL_PROFILES, type Resource } from '../../policy/index.js';
import { categorySector, collectReferences, MAX_DEPTH as ORGANIZATION_DEPTH, resolveContext } from './context.js';
import { renderOne, type Rendered } from './render-one.js';
import type { RenderJob } from './render-job.js';
import type { RenderOutcome } from './render.js';
import type { RenderWorker } from './render-pool.js';
import type { SessionNeighbourhood } from './session.js';

/** Resources per message to the worker. */
const BATCH = 64;

interface Entry {
  key: string;
  type: string;
  id: string;
  seen: number;
  targets: string[];
  job: RenderJob;
}

const split = (k: string): [string, string] => {
  const i = k.indexOf('/');
  return [k.slice(0, i), k.slice(i + 1)];
};

function referenceKeys(references: string[]): string[] {
  const out: string[] = [];
  for (const ref of references) {
    const t = parseReference(ref);
    if (t) out.push(`${t.type}/${t.id}`);
  }
  return out;
}

export class RenderPipeline {
  /** What each key's render returned, once written. */
  readonly results = new Map<string, Rendered>();
  private building: Entry[] = [];
  private readonly inFlight: { entries: Entry[]; outcomes: Promise<RenderOutcome[]> }[] = [];
  /** Keys prepared and not written yet, and the keys they reference (with counts). */
  private readonly pendingKeys = new Set<string>();
  private readonly pendingTargets = new Map<string, number>();
  private pendingType: string | null = null;

  constructor(private readonly nb: SessionNeighbourhood, private readonly worker: RenderWorker, private readonly now: number) {}

  async add(key: string): Promise<void> {
    const [type, id] = split(key);
    const stored = await this.nb.current(type, id);
    if (stored.version === null || stored.deleted || !stored.raw || !stored.body) {
      await this.drain();
      this.results.set(key, await renderOne(this.nb, type, id, this.now));
      return;
    }
    const references = stored.references ?? collectReferences(stored.raw);
    const targets = referenceKeys(references);
    // whose referrers the context reads: the resource, and for an Organization its ancestors too
    const read = type === 'Organization' ? await this.organizationChain(key, stored.raw) : [key];
    if (type !== this.pendingType || read.some((k) => this.pendingTargets.has(k)) || targets.some((t) => this.pendingKeys.has(t))) await this.drain();
    this.pendingType = type;
    const current: StoredView[] = await this.nb.viewStates(type, id);
    const seen = (await this.nb.existence(type, id)) ?? ALL_PROFILES;
    const ctx = await resolveContext(this.nb, stored.raw, references);
    const job: RenderJob = { rawText: stored.body, sectors: [...ctx.sectors], sensitive: ctx.sensitive, referenceMasks: ctx.referenceMasks, current, now: this.now };
    this.building.push({ key, type, id, seen, targets, job });
    this.pendingKeys.add(key);
    for (const t of targets) this.pendingTargets.set(t, (this.pendingTargets.get(t) ?? 0) + 1);
    if (this.building.length >= BATCH) await this.send();
  }

  /**
   * The Organizations whose children (index rows) an Organization's context may read: organizationSectors
   * climbs partOf until an establishment category decides (then it reads none), else reads the children of
   * every Organization it climbed through.
   */
  private async organizationChain(key: string, raw: Resource): Promise<string[]> {
    const chain = [key];
    let org: Resource | null = raw;
    for (let depth = 0; org; depth++) {
      if (categorySector(org)) return depth <= ORGANIZATION_DEPTH ? [key] : chain;
      if (depth >= ORGANIZATION_DEPTH + 1) break;
      const parent = parseReference((org as { partOf?: { reference?: string } }).partOf?.reference);
      if (!parent || parent.type !== 'Organization') break;
      const parentKey = `${parent.type}/${parent.id}`;
      if (chain.includes(parentKey)) break;
      chain.push(parentKey);
      org = await this.nb.resource(parent.type, parent.id);
    }
    return chain;
  }

  /** Writes every pending render. */
  async drain(): Promise<void> {
    await this.send();
    while (this.inFlight.length) await this.writeOldest();
  }

  /** Sends the batch being built; keeps one batch per render thread in flight while older ones are written. */
  private async send(): Promise<void> {
    if (this.building.length) {
      const entries = this.building;
      this.building = [];
      const outcomes = this.worker.render(entries.map((e) => e.job));
      outcomes.catch(() => undefined); // a failure is thrown where it is awaited, not left unhandled meanwhile
      this.inFlight.push({ entries, outcomes });
    }
    while (this.inFlight.length > this.worker.threads) await this.writeOldest();
  }

  private async writeOldest(): Promise<void> {
    const { entries, outcomes } = this.inFlight.shift()!;
    const rendered = await outcomes;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      const o = rendered[i];
      await this.nb.writeRender(e.type, e.id, o.changed, o.index, o.resourceInView);
      this.results.set(e.key, { existence: o.existence, seen: e.seen });
      this.pendingKeys.delete(e.key);
      for (const t of e.targets) {
        const n = this.pendingTargets.get(t)! - 1;
        if (n === 0) this.pendingTargets.delete(t);
        else this.pendingTargets.set(t, n);
      }
    }
    if (this.pendingKeys.size === 0) this.pendingType = null;
  }
}
