// (b) The seed's Annex 2, written down from the document (not from the catalogue): for each profile and
// sector, the groups listed as visible. The catalogue's derived visibility must match it exactly.
import { describe, expect, it } from 'vitest';
import { GROUPS, type GroupKey } from './catalogue/groups.js';
import { SECTOR_BIT, profileIncludes, visibilityMask } from './profiles.js';
import { PROFILES, type Level, type Profile, type Sector } from './types.js';

/** An Annex 2 item: a group, with the contact level for « Contact(s) … libre / restreints / très restreints ». */
type Item = GroupKey | `contacts${Level}`;
const BASE: Item[] = ['identification', 'activites', 'modePec', 'patientele', 'adresse', 'horaires'];
const MS_LIBRE: Item[] = ['actesSpecifiques', 'specialisationPec', 'professionsRessources', 'competencesSpecifiques'];

// Profil 0 - Accès aux données en libre accès
const P0: Record<Sector, Item[]> = {
  sanitaire: [...BASE, 'contacts1', 'capaciteInstallee'],
  ms: [...BASE, 'contacts1', 'capaciteInstallee', ...MS_LIBRE],
  // The seed lists no capacity for ville; policy-decisions §2 extends the capacity lines to every sector.
  ville: [...BASE, 'contacts1', 'donneesPersonnelles', 'exerciceLiberal', 'capaciteInstallee'],
};
const RESTREINT: Record<Sector, Item[]> = {
  sanitaire: ['actesSpecifiques', 'equipements', 'specialisationPec', 'professionsRessources', 'competencesSpecifiques', 'contacts2', 'donneesPersonnelles', 'capaciteOperationnelle', 'actesHorsCabinet', 'exerciceLiberal'],
  ms: ['equipements', 'contacts2', 'donneesPersonnelles', 'capaciteOperationnelle', 'actesHorsCabinet', 'exerciceLiberal'],
  ville: ['actesSpecifiques', 'actesHorsCabinet', 'equipements', 'contacts2', 'capaciteOperationnelle', 'specialisationPec', 'professionsRessources', 'competencesSpecifiques'],
};
const TRES_RESTREINT: Record<Sector, Item[]> = {
  sanitaire: ['contacts3', 'zonePoser', 'unitesSensibles', 'orsan', 'capaciteCrise', 'nrbc'],
  ms: ['contacts3', 'zonePoser', 'unitesSensibles', 'orsan', 'capaciteCrise', 'nrbc'],
  ville: ['contacts3', 'zonePoser', 'unitesSensibles', 'orsan', 'capaciteCrise', 'nrbc'],
};
const union = (...lists: Record<Sector, Item[]>[]): Record<Sector, Item[]> => ({
  sanitaire: lists.flatMap((l) => l.sanitaire), ms: lists.flatMap((l) => l.ms), ville: lists.flatMap((l) => l.ville),
});
const minus = (l: Record<Sector, Item[]>, drop: Item[]): Record<Sector, Item[]> => ({
  sanitaire: l.sanitaire.filter((i) => !drop.includes(i)), ms: l.ms.filter((i) => !drop.includes(i)), ville: l.ville.filter((i) => !drop.includes(i)),
});

const ANNEX2: Record<Profile, Record<Sector, Item[]>> = {
  0: P0,
  1: union(P0, RESTREINT, TRES_RESTREINT), // Profil 1 - Accès à toutes les données
  2: union(P0, RESTREINT), // hors données en accès très restreint
  3: { sanitaire: P0.sanitaire, ms: [...P0.ms, ...RESTREINT.ms], ville: P0.ville }, // restreint sur le secteur médico-social
  4: minus(union(P0, RESTREINT, TRES_RESTREINT), ['contacts1', 'contacts2', 'contacts3', 'donneesPersonnelles']), // sauf contact et données personnelles
  5: minus(union(P0, RESTREINT), ['capaciteOperationnelle']), // hors capacitaire opérationnel et exceptionnel
};

const ITEMS: Item[] = [...new Set(Object.values(ANNEX2[1]).flat())];

function catalogueSees(p: Profile, item: Item, sector: Sector): boolean {
  const m = /^contacts([123])$/.exec(item);
  const mask = m ? visibilityMask(GROUPS.contacts, SECTOR_BIT[sector], Number(m[1]) as Level) : visibilityMask(GROUPS[item as GroupKey], SECTOR_BIT[sector]);
  return (mask & (1 << p)) !== 0;
}

describe('Annex 2: profile × sector × group', () => {
  for (const p of PROFILES) {
    for (const sector of ['sanitaire', 'ms', 'ville'] as Sector[]) {
      it(`profile ${p}, ${sector}`, () => {
        const expected = ITEMS.filter((i) => ANNEX2[p][sector].includes(i)).sort();
        const actual = ITEMS.filter((i) => catalogueSees(p, i, sector)).sort();
        expect(actual).toEqual(expected);
      });
    }
  }

  it('hides anything hors catalogue from every profile but 1', () => {
    for (const s of ['sanitaire', 'ms', 'ville'] as Sector[]) expect(visibilityMask(GROUPS.horsCatalogue, SECTOR_BIT[s])).toBe(0b10);
  });
});

describe('derived inclusion order', () => {
  const inc = (a: Profile, b: Profile) => profileIncludes(a, b);
  it('has the orders the policy names', () => {
    expect(inc(2, 3) && inc(1, 2) && inc(1, 3)).toBe(true); // P3 ⊆ P2 ⊆ P1
    expect(inc(2, 5)).toBe(true); // P5 ⊆ P2
    expect(inc(1, 4)).toBe(true); // P4 ⊆ P1
    expect(inc(4, 0)).toBe(false); // P0 ⊄ P4 (public contacts)
    expect(inc(3, 0) && inc(5, 0) && inc(2, 0)).toBe(true);
  });
  it('has no other inclusion', () => {
    expect(inc(2, 4) || inc(4, 2) || inc(3, 5) || inc(5, 3) || inc(4, 5) || inc(0, 1) || inc(2, 1)).toBe(false);
  });
  it('is reflexive', () => {
    for (const p of PROFILES) expect(inc(p, p)).toBe(true);
  });
});
