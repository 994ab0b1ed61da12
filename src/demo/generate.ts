// Demo dataset generator: a synchronous, streaming Iterable of ROR resources, deterministic for a seed.
import type { Resource } from './fhir-types.js';
import { buildGeoIndex, saeSize } from './context.js';
import { generateLegalEntity, type EstablishmentContext } from './establishments.js';
import { loadExtract, type EtabRow } from './extract.js';
import { generateVille } from './ville.js';

export type DemoScale = 'small' | 'region' | 'national';

export interface GenerateOptions {
  scale: DemoScale;
  /** PRNG seed (default 1). Same seed and options → byte-identical resources. */
  seed?: number;
  /** INSEE région code for scale 'region' (default '53' Bretagne). */
  region?: string;
  /** Départements for scale 'small' (default ['22'] Côtes-d'Armor). */
  departements?: string[];
}

export const DEFAULT_SEED = 1;
export const DEFAULT_REGION = '53';
export const DEFAULT_SMALL_DEPARTEMENTS = ['22'];
/** Share of the ameli libéral head counts generated at 'small' scale (the demo must stay a few thousand resources). */
export const SMALL_VILLE_FRACTION = 0.1;

export interface Selection { departements: string[]; villeFraction: number }

export function selectionFor(opts: GenerateOptions): Selection {
  const x = loadExtract();
  switch (opts.scale) {
    case 'national':
      return { departements: x.departements.map((d) => d[0]).sort(), villeFraction: 1 };
    case 'region': {
      const region = opts.region ?? DEFAULT_REGION;
      const deps = x.departements.filter((d) => d[2] === region).map((d) => d[0]).sort();
      if (deps.length === 0) throw new Error(`unknown région code: ${region}`);
      return { departements: deps, villeFraction: 1 };
    }
    case 'small':
      return { departements: [...(opts.departements ?? DEFAULT_SMALL_DEPARTEMENTS)].sort(), villeFraction: SMALL_VILLE_FRACTION };
    default:
      throw new Error(`unknown scale: ${String(opts.scale)}`);
  }
}

/** UHSI on the largest sanitaire establishment of each région, UFDH on the largest of each other département. */
function chooseSensitive(etabs: EtabRow[], ctx: Pick<EstablishmentContext, 'x' | 'geo'>): Map<string, 'uhsi' | 'ufdh'> {
  const best = new Map<string, [string, number]>();
  const consider = (key: string, finess: string, size: number) => {
    const cur = best.get(key);
    if (size > 0 && (!cur || size > cur[1] || (size === cur[1] && finess < cur[0]))) best.set(key, [finess, size]);
  };
  for (const e of etabs) {
    if (ctx.x.categories[e[4]][1] !== 'Sanitaire') continue;
    const size = saeSize(ctx.x, e[0]);
    consider(`r:${ctx.geo.regionOfDep.get(e[15])}`, e[0], size);
  }
  const out = new Map<string, 'uhsi' | 'ufdh'>();
  for (const [k, [f]] of best) if (k.startsWith('r:')) out.set(f, 'uhsi');
  for (const e of etabs) {
    if (ctx.x.categories[e[4]][1] !== 'Sanitaire' || out.has(e[0])) continue;
    consider(`d:${e[15]}`, e[0], saeSize(ctx.x, e[0]));
  }
  for (const [k, [f]] of best) if (k.startsWith('d:') && !out.has(f)) out.set(f, 'ufdh');
  return out;
}

/**
 * Streams the dataset. Order: each legal entity (EJ), then its establishments (EG) each followed by its internal
 * organisations, places, offers and practitioners; then the ville professionals per département. Referenced
 * resources always come before the resources that reference them.
 */
export function* generateDataset(opts: GenerateOptions): Generator<Resource, void, undefined> {
  const x = loadExtract();
  const seed = (opts.seed ?? DEFAULT_SEED) >>> 0;
  const sel = selectionFor(opts);
  const deps = new Set(sel.departements);
  const geo = buildGeoIndex(x);
  const etabs = x.etabs.filter((e) => deps.has(e[15]));
  const ctx: EstablishmentContext = { seed, x, geo, sensitive: new Map(), mspOffers: new Map() };
  ctx.sensitive = chooseSensitive(etabs, ctx);
  // etabs are sorted by (EJ, EG) in the extract: group consecutive rows
  for (let i = 0; i < etabs.length;) {
    let j = i + 1;
    while (j < etabs.length && etabs[j][1] === etabs[i][1]) j++;
    yield* generateLegalEntity(ctx, etabs[i][1], etabs.slice(i, j));
    i = j;
  }
  for (const dep of sel.departements) yield* generateVille(ctx, dep, sel.villeFraction);
}

/** Counts resources per type without keeping them. */
export function countDataset(opts: GenerateOptions): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of generateDataset(opts)) counts[r.resourceType] = (counts[r.resourceType] ?? 0) + 1;
  return counts;
}
