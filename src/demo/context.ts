// Shared, precomputed lookups for one generation run (communes, départements, régions, selection).
import type { CommuneRow, DemoExtract, EtabRow } from './extract.js';

export interface GeoIndex {
  communeByCode: Map<string, CommuneRow>;
  regionOfDep: Map<string, string>;
  depName: Map<string, string>;
  regionName: Map<string, string>;
  /** Communes of a département with cumulative population weights, for placing ville cabinets. */
  communesOfDep(dep: string): { rows: CommuneRow[]; cumulative: number[] };
  /** Most populous commune of a département: fallback when FINESS gave no commune. */
  mainCommune(dep: string): CommuneRow;
}

export function buildGeoIndex(x: DemoExtract): GeoIndex {
  const communeByCode = new Map<string, CommuneRow>();
  const byDep = new Map<string, CommuneRow[]>();
  for (const c of x.communes) {
    communeByCode.set(c[0], c);
    let list = byDep.get(c[2]);
    if (!list) byDep.set(c[2], (list = []));
    list.push(c);
  }
  const regionOfDep = new Map(x.departements.map((d) => [d[0], d[2]] as const));
  const depName = new Map(x.departements.map((d) => [d[0], d[1]] as const));
  const regionName = new Map(x.regions.map((r) => [r[0], r[1]] as const));
  const weighted = new Map<string, { rows: CommuneRow[]; cumulative: number[] }>();
  return {
    communeByCode, regionOfDep, depName, regionName,
    communesOfDep(dep) {
      let w = weighted.get(dep);
      if (!w) {
        const rows = (byDep.get(dep) ?? []).filter((c) => c[6] != null && c[4] > 0);
        let total = 0;
        const cumulative = rows.map((c) => (total += c[4]));
        weighted.set(dep, (w = { rows, cumulative }));
      }
      return w;
    },
    mainCommune(dep) {
      const rows = byDep.get(dep) ?? [];
      let best = rows[0];
      for (const c of rows) if (c[4] > best[4]) best = c;
      return best;
    },
  };
}

/** Total SAE beds and places of an establishment, used to rank establishments by size. */
export function saeSize(x: DemoExtract, finess: string): number {
  const s = x.sae[finess];
  if (!s) return 0;
  const sum = (a?: number[]) => (a ? a.reduce((p, v) => p + v, 0) : 0);
  return sum(s.mco) + sum(s.ssr) + sum(s.psy) + (s.usld ?? 0) + sum(s.rea) + (s.had ?? 0);
}

export type { EtabRow };
