// Which hospital units (pôle/service/UF + offer + place) an establishment gets: sized from the DREES SAE
// 2020 bed counts when the establishment has SAE rows, otherwise a default by FINESS category.
import type { SaeCapacities } from './extract.js';
import { MODE_PEC, TYPE_OFFRE, type Champ } from './codes.js';

export interface UnitSpec {
  name: string;
  champ: Champ;
  activity: readonly [string, string];
  careMode: readonly [string, string];
  capacityType?: '01' | '02';
  capacity: number;
  ageLow: number;
  ageHigh: number;
  offerType?: readonly [string, string];
  kind?: 'rea' | 'urg' | 'samu' | 'uhsi' | 'ufdh' | 'had' | 'ssr' | 'psy';
}

const A = {
  medInterne: ['012', 'Médecine interne'], cardio: ['005', 'Cardiologie'], pneumo: ['030', 'Pneumologie'],
  gastro: ['010', 'Hépato-gastro-entérologie'], neuro: ['026', 'Neurologie'], geriatrie: ['013', 'Gériatrie'],
  chirOrtho: ['017', 'Chirurgie orthopédique et traumatologique'], chirVisc: ['021', 'Chirurgie viscérale et digestive'],
  uro: ['024', 'Chirurgie urologique'], chirGyn: ['022', 'Chirurgie gynécologique'], obstetrique: ['045', 'Obstétrique'],
  medPoly: ['027', 'Médecine polyvalente'], chirAmbu: ['018', 'Chirurgie ambulatoire'],
  ssrPoly: ['090', 'Soins de suite et de réadaptation polyvalents'], ssrPed: ['091', 'SSR enfants et adolescents'],
  psyAdulte: ['226', 'Psychiatrie générale'], pedopsy: ['227', 'Pédopsychiatrie infanto-juvénile'],
  usld: ['098', 'Soins de longue durée'], rea: ['063', 'Réanimation adulte'], si: ['064', 'Soins intensifs polyvalents'],
  sc: ['065', 'Surveillance continue'], usic: ['066', 'Soins intensifs de cardiologie'],
  had: ['070', 'Hospitalisation à domicile'], urgences: ['157', 'Urgences polyvalentes hospitalières'],
  samu: ['160', 'Régulation médicale (SAMU)'], smur: ['161', 'Intervention SMUR'],
  dialyse: ['055', 'Hémodialyse'], consult: ['040', 'Diététique et Nutrition'], detenus: ['080', 'Soins aux personnes détenues'],
} as const;

const MED = [A.medInterne, A.cardio, A.pneumo, A.gastro, A.neuro, A.geriatrie];
const CHI = [A.chirOrtho, A.chirVisc, A.uro, A.chirGyn];

/** Split a bed count into units of about `size` beds, cycling through activities. */
function split(out: UnitSpec[], beds: number, size: number, acts: readonly (readonly [string, string])[], base: Omit<UnitSpec, 'name' | 'activity' | 'capacity'>, prefix: string) {
  if (beds <= 0) return;
  const n = Math.max(1, Math.round(beds / size));
  for (let i = 0; i < n; i++) {
    const capacity = Math.floor(beds / n) + (i < beds % n ? 1 : 0);
    const activity = acts[i % acts.length];
    out.push({ ...base, name: `${prefix} ${activity[1]}${n > acts.length ? ` ${Math.floor(i / acts.length) + 1}` : ''}`, activity, capacity });
  }
}

export function unitsFromSae(s: SaeCapacities): UnitSpec[] {
  const u: UnitSpec[] = [];
  const hc = MODE_PEC.HC;
  const hdj = MODE_PEC.HDJ;
  if (s.mco) {
    const [med, chi, obs, places] = s.mco;
    split(u, med, 30, MED, { champ: 'MCO', careMode: hc, capacityType: '01', ageLow: 16, ageHigh: 150 }, 'Hospitalisation complète');
    split(u, chi, 28, CHI, { champ: 'MCO', careMode: hc, capacityType: '01', ageLow: 16, ageHigh: 150 }, 'Hospitalisation complète');
    split(u, obs, 30, [A.obstetrique], { champ: 'MCO', careMode: hc, capacityType: '01', ageLow: 12, ageHigh: 55 }, 'Maternité');
    if (places > 0) {
      const medPlaces = Math.ceil(places / 2);
      u.push({ name: 'Hôpital de jour de médecine', champ: 'MCO', activity: A.medPoly, careMode: hdj, capacityType: '02', capacity: medPlaces, ageLow: 16, ageHigh: 150 });
      if (places - medPlaces > 0) u.push({ name: 'Unité de chirurgie ambulatoire', champ: 'MCO', activity: A.chirAmbu, careMode: hdj, capacityType: '02', capacity: places - medPlaces, ageLow: 1, ageHigh: 150 });
    }
  }
  if (s.rea) {
    const [rea, si, sc, usic] = s.rea;
    if (rea) u.push({ name: 'Réanimation polyvalente', champ: 'MCO', activity: A.rea, careMode: hc, capacityType: '01', capacity: rea, ageLow: 16, ageHigh: 150, offerType: TYPE_OFFRE.REA, kind: 'rea' });
    if (si) u.push({ name: 'Soins intensifs', champ: 'MCO', activity: A.si, careMode: hc, capacityType: '01', capacity: si, ageLow: 16, ageHigh: 150, kind: 'rea' });
    if (sc) u.push({ name: 'Surveillance continue', champ: 'MCO', activity: A.sc, careMode: hc, capacityType: '01', capacity: sc, ageLow: 16, ageHigh: 150 });
    if (usic) u.push({ name: 'Unité de soins intensifs de cardiologie', champ: 'MCO', activity: A.usic, careMode: hc, capacityType: '01', capacity: usic, ageLow: 16, ageHigh: 150 });
  }
  if (s.urg) u.push({ name: 'Service des urgences', champ: 'MCO', activity: A.urgences, careMode: MODE_PEC.URG, capacityType: '01', capacity: 8, ageLow: 0, ageHigh: 150, offerType: TYPE_OFFRE.URG, kind: 'urg' });
  if (s.samu) u.push({ name: 'SAMU - Centre 15', champ: 'MCO', activity: A.samu, careMode: MODE_PEC.URG, capacity: 0, ageLow: 0, ageHigh: 150, offerType: TYPE_OFFRE.SAMU, kind: 'samu' });
  if (s.smur) u.push({ name: 'SMUR', champ: 'MCO', activity: A.smur, careMode: MODE_PEC.URG, capacity: 0, ageLow: 0, ageHigh: 150, offerType: TYPE_OFFRE.SMUR });
  if (s.had) u.push({ name: 'Hospitalisation à domicile', champ: 'MCO', activity: A.had, careMode: MODE_PEC.HAD, capacityType: '02', capacity: s.had, ageLow: 0, ageHigh: 150, kind: 'had' });
  if (s.dial) u.push({ name: 'Centre d\'hémodialyse', champ: 'MCO', activity: A.dialyse, careMode: hdj, capacityType: '02', capacity: s.dial, ageLow: 16, ageHigh: 150 });
  if (s.ssr) {
    const [la, pa, le, pe] = s.ssr;
    split(u, la, 30, [A.ssrPoly], { champ: 'SSR', careMode: hc, capacityType: '01', ageLow: 18, ageHigh: 150, kind: 'ssr' }, 'SSR');
    if (pa) u.push({ name: 'Hôpital de jour SSR', champ: 'SSR', activity: A.ssrPoly, careMode: hdj, capacityType: '02', capacity: pa, ageLow: 18, ageHigh: 150, kind: 'ssr' });
    if (le) u.push({ name: 'SSR pédiatrique', champ: 'SSR', activity: A.ssrPed, careMode: hc, capacityType: '01', capacity: le, ageLow: 0, ageHigh: 17, kind: 'ssr' });
    if (pe) u.push({ name: 'Hôpital de jour SSR pédiatrique', champ: 'SSR', activity: A.ssrPed, careMode: hdj, capacityType: '02', capacity: pe, ageLow: 0, ageHigh: 17, kind: 'ssr' });
  }
  if (s.usld) u.push({ name: 'Unité de soins de longue durée', champ: 'SSR', activity: A.usld, careMode: hc, capacityType: '01', capacity: s.usld, ageLow: 60, ageHigh: 150 });
  if (s.psy) {
    const [lg, hg, li, hi] = s.psy;
    split(u, lg, 25, [A.psyAdulte], { champ: 'PSY', careMode: hc, capacityType: '01', ageLow: 16, ageHigh: 150, kind: 'psy' }, 'Unité d\'hospitalisation');
    if (hg) u.push({ name: 'Hôpital de jour de psychiatrie adulte', champ: 'PSY', activity: A.psyAdulte, careMode: hdj, capacityType: '02', capacity: hg, ageLow: 16, ageHigh: 150, kind: 'psy' });
    if (li) u.push({ name: 'Unité de pédopsychiatrie', champ: 'PSY', activity: A.pedopsy, careMode: hc, capacityType: '01', capacity: li, ageLow: 0, ageHigh: 17, kind: 'psy' });
    if (hi) u.push({ name: 'Hôpital de jour de pédopsychiatrie', champ: 'PSY', activity: A.pedopsy, careMode: hdj, capacityType: '02', capacity: hi, ageLow: 0, ageHigh: 17, kind: 'psy' });
  }
  return u;
}

const PSY_CATEGORIES = new Set(['156', '161', '166', '292', '366', '412', '415', '425', '430', '444']);

/** Establishments without SAE rows (CMP, CATTP, dialysis, HAD, small clinics...): one unit by category. */
export function defaultUnits(category: string, capacity: number): UnitSpec[] {
  if (PSY_CATEGORIES.has(category)) {
    const ambulatory = category === '156' || category === '425' || category === '415';
    return [{ name: ambulatory ? 'Consultations et soins ambulatoires' : 'Accueil thérapeutique', champ: 'PSY', activity: A.psyAdulte,
      careMode: ambulatory ? MODE_PEC.AMBU : MODE_PEC.HDJ, capacityType: ambulatory ? undefined : '02', capacity: ambulatory ? 0 : capacity, ageLow: 16, ageHigh: 150, kind: 'psy' }];
  }
  switch (category) {
    case '141': case '146':
      return [{ name: 'Hémodialyse', champ: 'MCO', activity: A.dialyse, careMode: MODE_PEC.HDJ, capacityType: '02', capacity, ageLow: 16, ageHigh: 150 }];
    case '127':
      return [{ name: 'Hospitalisation à domicile', champ: 'MCO', activity: A.had, careMode: MODE_PEC.HAD, capacityType: '02', capacity, ageLow: 0, ageHigh: 150, kind: 'had' }];
    case '109':
      return [{ name: 'SSR polyvalent', champ: 'SSR', activity: A.ssrPoly, careMode: MODE_PEC.HC, capacityType: '01', capacity, ageLow: 18, ageHigh: 150, kind: 'ssr' }];
    case '362':
      return [{ name: 'Soins de longue durée', champ: 'SSR', activity: A.usld, careMode: MODE_PEC.HC, capacityType: '01', capacity, ageLow: 60, ageHigh: 150 }];
    case '122': case '128':
      return [{ name: 'Chirurgie', champ: 'MCO', activity: A.chirOrtho, careMode: MODE_PEC.HC, capacityType: '01', capacity, ageLow: 16, ageHigh: 150 }];
    case '638': case '696': case '697': case '698':
      return [{ name: 'Consultations', champ: 'MCO', activity: A.consult, careMode: MODE_PEC.AMBU, capacity: 0, ageLow: 0, ageHigh: 150 }];
    default:
      return [{ name: 'Médecine', champ: 'MCO', activity: A.medPoly, careMode: MODE_PEC.HC, capacityType: '01', capacity, ageLow: 16, ageHigh: 150 }];
  }
}

export const SENSITIVE_UNITS = {
  uhsi: { name: 'Unité hospitalière sécurisée interrégionale (UHSI)', champ: 'MCO', activity: A.detenus, careMode: MODE_PEC.HC, capacityType: '01', capacity: 17, ageLow: 13, ageHigh: 150, offerType: TYPE_OFFRE.UHSI, kind: 'uhsi' },
  ufdh: { name: 'Unité fonctionnelle de détenus hospitalisés (UFDH)', champ: 'MCO', activity: A.detenus, careMode: MODE_PEC.HC, capacityType: '01', capacity: 4, ageLow: 13, ageHigh: 150, offerType: TYPE_OFFRE.USMP, kind: 'ufdh' },
} satisfies Record<string, UnitSpec>;
