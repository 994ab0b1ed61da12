// Ville: libéral professionals sized by the ameli 2018 head counts per speciality and département, grouped
// in cabinets (Organization + offer + place) or attached to the real maisons de santé of the département.
import type { CodeableConcept, Extension, HealthcareService, Location, Organization, Resource } from './fhir-types.js';
import { ACTES, CHAMP, CONFIDENTIALITY as L, FONCTION_CONTACT, MODE_PEC, NATURE_CONTACT, ROR, SYS, cc, coding } from './codes.js';
import { PROFILE, WEEKDAYS, address, communeCog, creationDate, healthcareServiceContact, identifier, meta, phone, telecom } from './builders.js';
import type { EstablishmentContext } from './establishments.js';
import { professional, type ProfessionCode } from './people.js';
import { Rng } from './prng.js';

interface VilleProfession { code: ProfessionCode; activity: readonly [string, string]; outside: boolean; msp: boolean }

const SPECIALISTS: [RegExp, string, string][] = [
  [/Anesth/, 'SM02', 'Anesthésie-réanimation (SM)'], [/cardio-vasc|Cardiologie/, 'SM04', 'Cardiologie et maladies vasculaires (SM)'],
  [/Chirurgie générale/, 'SM05', 'Chirurgie générale (SM)'], [/Dermato/, 'SM15', 'Dermatologie et vénéréologie (SM)'],
  [/Radiodiag/, 'SM44', 'Radiodiagnostic (SM)'], [/Gynécologie obstétrique/, 'SM20', 'Gynécologie-obstétrique (SM)'],
  [/Gynécologie médicale/, 'SM19', 'Gynécologie médicale (SM)'], [/Gastro/, 'SM24', 'Gastro-entérologie et hépatologie (SM)'],
  [/Oto-rhino/, 'SM39', 'Oto-rhino-laryngologie (SM)'], [/Pédiatrie/, 'SM40', 'Pédiatrie (SM)'], [/Pneumo/, 'SM41', 'Pneumologie (SM)'],
  [/Rhumato/, 'SM48', 'Rhumatologie (SM)'], [/Ophtalmo/, 'SM38', 'Ophtalmologie (SM)'], [/urologique/, 'SM12', 'Chirurgie urologique (SM)'],
  [/orthopédique/, 'SM08', 'Chirurgie orthopédique et traumatologie (SM)'], [/Neurologie/, 'SM32', 'Neurologie (SM)'],
  [/Psychiatrie|psychiatr/, 'SM42', 'Psychiatrie (SM)'], [/Endocrino/, 'SM16', 'Endocrinologie et métabolisme (SM)'],
  [/Néphro/, 'SM30', 'Néphrologie (SM)'], [/Médecine Physique/, 'SM29', 'Médecine physique et réadaptation (SM)'],
  [/Stomatologie/, 'SM50', 'Stomatologie (SM)'], [/Anatomo/, 'SM01', 'Anatomie et cytologie pathologiques (SM)'],
];

/** Maps one ameli row (sheet, speciality) to a profession, or undefined for aggregate rows. */
export function villeProfession(sheet: string, spec: string): VilleProfession | undefined {
  const mk = (profession: readonly [string, string], activity: readonly [string, string], o: Partial<VilleProfession> & { speciality?: readonly [string, string]; doctor?: boolean } = {}): VilleProfession => ({
    code: { profession, speciality: o.speciality, doctorTitle: o.doctor ?? false }, activity, outside: o.outside ?? false, msp: o.msp ?? false,
  });
  const MED = ['10', 'Médecin'] as const;
  switch (sheet) {
    case 'Généralistes et MEP':
      if (spec === '01- M.E.P.') return undefined; // the detail rows below it already count them
      return mk(MED, ['200', 'Médecine générale'], { speciality: ['SM54', 'Médecine générale (SM)'], doctor: true, msp: true });
    case 'Spécialistes': {
      const hit = SPECIALISTS.find(([re]) => re.test(spec));
      return mk(MED, ['201', 'Consultation de spécialiste'], { speciality: hit ? [hit[1], hit[2]] : undefined, doctor: true });
    }
    case 'Auxiliaires médicaux':
      if (spec.startsWith('24')) return mk(['60', 'Infirmier'], ['210', 'Soins infirmiers'], { outside: true, msp: true });
      if (spec.startsWith('26')) return mk(['70', 'Masseur-Kinésithérapeute'], ['211', 'Kinésithérapie'], { outside: true, msp: true });
      if (spec.startsWith('27')) return mk(['80', 'Pédicure-Podologue'], ['212', 'Pédicurie-podologie']);
      if (spec.startsWith('28')) return mk(['91', 'Orthophoniste'], ['213', 'Orthophonie']);
      if (spec.startsWith('29')) return mk(['92', 'Orthoptiste'], ['214', 'Orthoptie']);
      return undefined;
    case 'Sages-femmes':
      return mk(['50', 'Sage-Femme'], ['215', 'Suivi de grossesse'], { outside: true, msp: true });
    case 'Dentistes et ODF':
      return mk(['40', 'Chirurgien-Dentiste'], ['216', 'Soins dentaires'], { doctor: true });
    default:
      return undefined;
  }
}

export function* generateVille(ctx: EstablishmentContext, dep: string, fraction: number): Generator<Resource> {
  const rows = ctx.x.ps[dep] ?? [];
  const region = ctx.geo.regionOfDep.get(dep) ?? '00';
  const { rows: communes, cumulative } = ctx.geo.communesOfDep(dep);
  if (communes.length === 0) return;
  const msps = ctx.mspOffers.get(dep) ?? [];
  let cab = 0;
  let ps = 0;
  for (const [sheet, spec, headcount] of rows) {
    const prof = villeProfession(sheet, spec);
    if (!prof) continue;
    const rng = Rng.for(ctx.seed, `ville:${dep}:${sheet}:${spec}`);
    let remaining = Math.round(headcount * fraction);
    while (remaining > 0) {
      // attach to a maison de santé sometimes, else a cabinet of 1-5 professionals of the same profession
      if (prof.msp && msps.length > 0 && rng.chance(0.12)) {
        const m = rng.pick(msps);
        ps++;
        yield* professional(rng, region, `v-${dep}-${ps}`, { healthcareService: m.hcs, organization: m.org, location: m.loc, code: prof.code, liberal: true, dep });
        remaining--;
        continue;
      }
      const size = Math.min(remaining, rng.chance(0.45) ? 1 : rng.int(2, 5));
      const commune = communes[rng.weighted(cumulative)];
      const key = `${dep}-${++cab}`;
      yield* cabinet(rng, region, key, prof, commune, size, dep);
      for (let i = 0; i < size; i++) {
        ps++;
        yield* professional(rng, region, `v-${dep}-${ps}`, {
          healthcareService: `HealthcareService/hcs-cab-${key}`, organization: `Organization/cab-${key}`, location: `Location/loc-cab-${key}`,
          code: prof.code, liberal: true, dep,
        });
      }
      remaining -= size;
    }
  }
}

const STREETS = ['RUE DE LA REPUBLIQUE', 'PLACE DE LA MAIRIE', 'AVENUE DU GENERAL DE GAULLE', 'RUE VICTOR HUGO', 'RUE JEAN JAURES', 'RUE DE LA GARE', 'GRANDE RUE', 'RUE PASTEUR'];

function* cabinet(rng: Rng, region: string, key: string, prof: VilleProfession, commune: ReturnType<EstablishmentContext['geo']['mainCommune']>, size: number, dep: string): Generator<Resource> {
  const group = size > 1;
  const line = `${rng.int(1, 80)} ${rng.pick(STREETS)}`;
  const lat = commune[6] != null ? Math.round((commune[6] + (rng.next() - 0.5) * 0.01) * 1e6) / 1e6 : null;
  const lon = commune[7] != null ? Math.round((commune[7] + (rng.next() - 0.5) * 0.01) * 1e6) / 1e6 : null;
  const tel = phone(rng, dep);
  const name = `${group ? 'Cabinet de groupe' : 'Cabinet'} ${prof.code.profession[1].toLowerCase()} ${commune[1]}`;
  const org: Organization = {
    resourceType: 'Organization',
    id: `cab-${key}`,
    meta: meta(PROFILE.organization, region, rng),
    extension: [creationDate(rng)],
    identifier: [identifier(SYS.typeIdStructure, '40', 'urn:oid:1.2.250.1.71.4.2.2', `3${rng.digits(11)}`)],
    active: true,
    type: [cc(SYS.secteurActivite, group ? 'SA08' : 'SA07', group ? 'Cabinet de groupe' : 'Cabinet individuel')],
    name,
    telecom: [telecom('tel', tel, L.libre)],
    address: [address([line], commune[5], commune[1], commune[0], lat, lon)],
  };
  yield org;
  const loc: Location = {
    resourceType: 'Location',
    id: `loc-cab-${key}`,
    meta: meta(PROFILE.location, region, rng),
    extension: [communeCog(commune[0], commune[1]), creationDate(rng)],
    status: 'active',
    name,
    address: { line: [line], postalCode: commune[5], city: commune[1], country: 'FRA' },
    ...(lat != null && lon != null ? { position: { latitude: lat, longitude: lon } } : {}),
  };
  yield loc;
  const ext: Extension[] = [
    { url: `${ROR}ror-healthcareservice-sensitive-unit`, valueBoolean: false },
    { url: `${ROR}ror-healthcareservice-patient-type`, extension: [{ url: 'ageRange', valueRange: { low: { value: 0, system: SYS.ucum, code: 'a' }, high: { value: 150, system: SYS.ucum, code: 'a' } } }] },
    creationDate(rng),
    healthcareServiceContact({ fonction: FONCTION_CONTACT[2], nature: NATURE_CONTACT.rdv, level: L.libre, telecoms: [{ channel: 'tel', value: tel, level: L.libre }] }),
  ];
  if (rng.chance(0.2)) ext.push(healthcareServiceContact({ nature: NATURE_CONTACT.secretariat, level: L.restreint, telecoms: [{ channel: 'mail', value: `secretariat.${key}@example.fr`, level: rng.chance(0.5) ? L.restreint : L.tresRestreint }] }));
  const characteristic: CodeableConcept[] = [{ coding: [coding(SYS.modePec, MODE_PEC.CABINET[0], MODE_PEC.CABINET[1])] }];
  if (prof.outside) characteristic.push({ extension: [{ url: `${ROR}ror-act-type`, valueCode: 'outsideOfficeAct' }], coding: [coding(SYS.acte, ...(rng.pick(ACTES.outside) as [string, string]))] });
  if (rng.chance(0.1)) characteristic.push({ extension: [{ url: `${ROR}ror-act-type`, valueCode: 'specificAct' }], coding: [coding(SYS.acte, ...(rng.pick(ACTES.common) as [string, string]))] });
  const hcs: HealthcareService = {
    resourceType: 'HealthcareService',
    id: `hcs-cab-${key}`,
    meta: meta(PROFILE.healthcareService, region, rng),
    extension: ext,
    identifier: [{ type: cc(SYS.typeIdOffre, '35'), value: `${region}/C${key}` }],
    active: true,
    providedBy: { reference: `Organization/${org.id}` },
    type: [cc(SYS.champ, CHAMP.VILLE[0], CHAMP.VILLE[1])],
    specialty: [cc(SYS.activite, prof.activity[0], prof.activity[1])],
    location: [{ reference: `Location/${loc.id}` }],
    name: `${prof.activity[1]} - ${commune[1]}`,
    characteristic,
    availableTime: WEEKDAYS.map((day) => ({ daysOfWeek: [day], availableStartTime: '08:00:00', availableEndTime: '19:00:00' })),
  };
  yield hcs;
}
