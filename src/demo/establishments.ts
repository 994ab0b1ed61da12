// One legal entity (EJ) with its establishments (EG) and, per EG, internal organisations, places, offers and
// hospital practitioners. Everything real comes from the extract; the rest is drawn from a per-EG stream.
import type { CodeableConcept, Extension, HealthcareService, Location, Organization, Practitioner, PractitionerRole, Resource } from './fhir-types.js';
import {
  ACTES, CHAMP, COMPETENCES, CONFIDENTIALITY as L, EQUIPEMENTS, FONCTION_CONTACT, MODE_PEC, NATURE_CONTACT, ORSAN,
  PROFESSIONS_RESSOURCE, ROR, SPECIALISATIONS, SYS, cc, coding,
} from './codes.js';
import {
  PROFILE, REFERENCE_DATE, WEEKDAYS, address, capacity, communeCog, creationDate, equipment, healthcareServiceContact,
  identifier, isoDate, meta, organizationContact, phone, telecom, type CapacitySpec,
} from './builders.js';
import type { GeoIndex } from './context.js';
import type { DemoExtract, EtabRow } from './extract.js';
import { Rng } from './prng.js';
import { SENSITIVE_UNITS, defaultUnits, unitsFromSae, type UnitSpec } from './units.js';
import { hospitalPractitioner } from './people.js';

export interface EstablishmentContext {
  seed: number;
  x: DemoExtract;
  geo: GeoIndex;
  /** EGs that receive a sensitive unit (UHSI or UFDH), chosen over the selection. */
  sensitive: Map<string, 'uhsi' | 'ufdh'>;
  /** Ville offers (maisons de santé) by département, filled here and used by the ville generator. */
  mspOffers: Map<string, { org: string; hcs: string; loc: string; cog: string }[]>;
}

const OI_TYPE = { pole: ['01', 'Pôle'], service: ['02', 'Service'], uf: ['03', 'Unité fonctionnelle'] } as const;
const idNatSt = (finess: string) => `1${finess}`;

function egAddress(e: EtabRow, geo: GeoIndex) {
  const commune = geo.communeByCode.get(e[16]) ?? geo.mainCommune(e[15]);
  const lat = e[13] ?? commune?.[6] ?? null;
  const lon = e[14] ?? commune?.[7] ?? null;
  return { commune, lat, lon, reliable: e[13] != null };
}

function regionOf(e: EtabRow, geo: GeoIndex) {
  return geo.regionOfDep.get(e[15]) ?? '00';
}

export function* generateLegalEntity(ctx: EstablishmentContext, ej: string, egs: EtabRow[]): Generator<Resource> {
  const first = egs[0];
  const rng = Rng.for(ctx.seed, `ej:${ej}`);
  const region = regionOf(first, ctx.geo);
  const a = egAddress(first, ctx.geo);
  const ejOrg: Organization = {
    resourceType: 'Organization',
    id: `ej-${ej}`,
    meta: meta(PROFILE.organization, region, rng),
    extension: [creationDate(rng), { url: `${ROR}ror-organization-creation-date`, valueDate: first[11] || '1990-01-01' }],
    identifier: [
      identifier(SYS.typeIdStructure, '40', 'urn:oid:1.2.250.1.71.4.2.2', idNatSt(ej)),
      identifier(SYS.typeIdStructure, '1', 'https://finess.esante.gouv.fr', ej),
      ...(first[3] ? [identifier(SYS.typeIdStructure, '2', 'https://sirene.fr', first[3].slice(0, 9))] : []),
    ],
    active: true,
    name: first[2],
    address: [address([first[5], first[6]], first[7], first[8], a.commune?.[0] ?? '', a.lat, a.lon)],
  };
  yield ejOrg;
  for (const e of egs) yield* generateEstablishment(ctx, e);
}

function* generateEstablishment(ctx: EstablishmentContext, e: EtabRow): Generator<Resource> {
  const { x, geo, seed } = ctx;
  const finess = e[0];
  const rng = Rng.for(seed, `eg:${finess}`);
  const region = regionOf(e, geo);
  const [catLabel, domain] = x.categories[e[4]];
  const a = egAddress(e, geo);
  const sae = x.sae[finess];
  const egId = `eg-${finess}`;
  const egRef = { reference: `Organization/${egId}` };

  const extension: Extension[] = [creationDate(rng)];
  if (e[11]) extension.push({ url: 'http://hl7.org/fhir/StructureDefinition/organization-period', valuePeriod: { start: e[11] } });
  // Crisis data (très restreint): drop zone and ORSAN level on establishments with an emergency department.
  if (sae?.urg || sae?.samu) {
    extension.push({ url: `${ROR}ror-organization-drop-zone`, valueBoolean: Boolean(sae.samu) || rng.chance(0.5) });
    const o = sae.samu ? ORSAN[1] : ORSAN[0];
    extension.push({ url: `${ROR}ror-organization-level-recours-orsan`, valueCodeableConcept: cc(SYS.orsan, o[0], o[1]) });
  }
  const prices = x.ehpad[finess];
  if (prices) extension.push(...ehpadPrices(prices));

  const tel = e[9] || phone(rng, e[15]);
  const contacts = [
    organizationContact({ nature: NATURE_CONTACT.standard, level: L.libre, telecoms: [{ channel: 'tel', value: tel, level: L.libre }] }),
    organizationContact({
      fonction: FONCTION_CONTACT[0], nature: NATURE_CONTACT.secretariat, level: L.restreint, name: 'Direction',
      telecoms: [
        { channel: 'mail', value: `direction.${finess}@example.fr`, level: L.restreint },
        { channel: 'tel', value: phone(rng, e[15]), level: L.tresRestreint },
      ],
    }),
  ];
  if (domain === 'Sanitaire' || rng.chance(0.2)) {
    contacts.push(organizationContact({ nature: NATURE_CONTACT.alerte, level: L.tresRestreint, name: 'Cellule de crise',
      telecoms: [{ channel: 'tel', value: phone(rng, e[15]), level: L.tresRestreint }] }));
  }
  // Imperfect data: a few contacts or telecoms without a level (deny by default).
  if (rng.chance(0.03)) contacts.push(organizationContact({ nature: NATURE_CONTACT.accueil, level: undefined, telecoms: [{ channel: 'tel', value: phone(rng, e[15]), level: L.libre }] }));
  if (rng.chance(0.03)) contacts[0].telecom.push(telecom('fax', phone(rng, e[15]), undefined));

  const type = [{ coding: [coding(SYS.categorieEtab, e[4], catLabel)] }];
  if (e[17]) type.push({ coding: [coding('https://mos.esante.gouv.fr/NOS/TRE_R73-ESPIC/FHIR/TRE-R73-ESPIC', e[17] === '1' ? '1' : e[17])] });
  const eg: Organization = {
    resourceType: 'Organization',
    id: egId,
    meta: meta(PROFILE.organization, region, rng),
    extension,
    identifier: [
      identifier(SYS.typeIdStructure, '40', 'urn:oid:1.2.250.1.71.4.2.2', idNatSt(finess)),
      identifier(SYS.typeIdStructure, '1', 'https://finess.esante.gouv.fr', finess),
      ...(e[3] ? [identifier(SYS.typeIdStructure, '3', 'https://sirene.fr', e[3])] : []),
    ],
    active: true,
    type,
    name: e[2],
    telecom: [telecom('tel', tel, L.libre), ...(e[10] ? [telecom('fax', e[10], L.restreint)] : [])],
    address: [{
      ...address([e[5], e[6]], e[7], e[8], a.commune?.[0] ?? '', a.lat, a.lon),
    }],
    partOf: { reference: `Organization/ej-${e[1]}` },
    contact: contacts,
  };
  yield eg;

  // --- offers by domain
  const place = { commune: a.commune, lat: a.lat, lon: a.lon, reliable: a.reliable, line: [e[5], e[6]], cp: e[7], city: e[8] };
  if (domain === 'Sanitaire') {
    let units = sae ? unitsFromSae(sae) : [];
    if (units.length === 0) units = defaultUnits(e[4], rng.int(10, 40));
    const sens = ctx.sensitive.get(finess);
    if (sens) units.push(SENSITIVE_UNITS[sens]);
    yield* hospital(ctx, rng, e, region, egRef, units, place);
  } else {
    const champ = domain === 'Offre de ville' ? 'VILLE' : 'MS';
    const unit = nonHospitalUnit(e[4], champ, rng, catLabel);
    yield* simpleOffer(ctx, rng, e, region, egRef, unit, place);
  }
}

type Place = { commune: ReturnType<GeoIndex['mainCommune']> | undefined; lat: number | null; lon: number | null; reliable: boolean; line: string[]; cp: string; city: string };

function nonHospitalUnit(category: string, champ: 'MS' | 'VILLE', rng: Rng, label: string): UnitSpec {
  if (champ === 'VILLE') return { name: 'Soins de premier recours', champ, activity: ['200', 'Médecine générale'], careMode: MODE_PEC.CABINET, capacity: 0, ageLow: 0, ageHigh: 150 };
  if (category === '500' || category === '501' || category === '502')
    return { name: 'Hébergement permanent', champ, activity: ['301', 'Hébergement pour personnes âgées'], careMode: MODE_PEC.HEB_PERM, capacityType: '01', capacity: rng.int(40, 110), ageLow: 60, ageHigh: 150 };
  if (category === '354' || category === '209' || category === '460' || category === '182')
    return { name: 'Soins et accompagnement à domicile', champ, activity: ['310', 'Soins à domicile'], careMode: MODE_PEC.DOMICILE, capacityType: '02', capacity: rng.int(20, 90), ageLow: category === '182' ? 0 : 18, ageHigh: category === '182' ? 20 : 150 };
  if (category === '604' || category === '606')
    return { name: label, champ, activity: ['320', "Coordination et appui aux parcours"], careMode: MODE_PEC.AMBU, capacity: 0, ageLow: 0, ageHigh: 150 };
  const child = ['183', '186', '188', '189', '190', '192', '194', '195', '196', '377', '390', '396', '402'].includes(category);
  return { name: 'Accueil et accompagnement', champ, activity: child ? ['305', 'Accompagnement enfants handicapés'] : ['306', 'Accompagnement adultes handicapés'], careMode: rng.chance(0.5) ? MODE_PEC.HEB_PERM : MODE_PEC.ACC_JOUR, capacityType: '02', capacity: rng.int(10, 70), ageLow: child ? 0 : 18, ageHigh: child ? 20 : 60 };
}

function offerIdentifier(region: string, finess: string, n: number) {
  return { type: cc(SYS.typeIdOffre, '35', "Identifiant fonctionnel de l'offre connu par l'instance ROR"), value: `${region}/${finess}${String(n).padStart(3, '0')}` };
}

function* simpleOffer(ctx: EstablishmentContext, rng: Rng, e: EtabRow, region: string, egRef: { reference: string }, unit: UnitSpec, place: Place): Generator<Resource> {
  const finess = e[0];
  const loc = location(rng, region, `loc-${finess}-1`, unit.name, place, unit, e, []);
  yield loc;
  const hcs = offer(rng, region, `hcs-${finess}-1`, offerIdentifier(region, finess, 1), egRef, unit, [loc.id!], e, false);
  yield hcs;
  if (unit.champ === 'VILLE') {
    const list = ctx.mspOffers.get(e[15]) ?? [];
    list.push({ org: egRef.reference, hcs: `HealthcareService/${hcs.id}`, loc: `Location/${loc.id}`, cog: place.commune?.[0] ?? '' });
    ctx.mspOffers.set(e[15], list);
  }
}

function* hospital(ctx: EstablishmentContext, rng: Rng, e: EtabRow, region: string, egRef: { reference: string }, units: UnitSpec[], place: Place): Generator<Resource> {
  const finess = e[0];
  // pôles by champ, then one service + one UF per unit (small establishments: service only, partOf EG)
  const full = units.length > 2;
  const poleOf = new Map<string, string>();
  let oiN = 0;
  const oi = (name: string, kind: keyof typeof OI_TYPE, parent: string): Organization => ({
    resourceType: 'Organization',
    id: `oi-${finess}-${++oiN}`,
    meta: meta(PROFILE.organization, region, rng),
    extension: [creationDate(rng)],
    identifier: [identifier(SYS.typeIdAutre, '42', 'https://oi.esante.gouv.fr', `${idNatSt(finess)}-OI${oiN}`)],
    active: true,
    type: [{ coding: [coding(SYS.typeOI, OI_TYPE[kind][0], OI_TYPE[kind][1])] }],
    name,
    partOf: { reference: parent },
  });
  if (full) {
    for (const u of units) {
      if (poleOf.has(u.champ)) continue;
      const p = oi(`Pôle ${CHAMP[u.champ][1]}`, 'pole', egRef.reference);
      poleOf.set(u.champ, `Organization/${p.id}`);
      yield p;
    }
  }
  const providers: string[] = [];
  for (const u of units) {
    const s = oi(`Service ${u.name}`, 'service', full ? poleOf.get(u.champ)! : egRef.reference);
    yield s;
    if (full) {
      const uf = oi(`UF ${u.name}`, 'uf', `Organization/${s.id}`);
      yield uf;
      providers.push(`Organization/${uf.id}`);
    } else providers.push(`Organization/${s.id}`);
  }
  // places, then offers (a sensitive unit shares its place with the unit before it: the cascade case)
  const locIds: string[][] = [];
  for (let i = 0; i < units.length; i++) {
    const u = units[i];
    const loc = location(rng, region, `loc-${finess}-${i + 1}`, u.name, place, u, e, []);
    yield loc;
    locIds.push(u.kind === 'uhsi' && i > 0 ? [loc.id!, locIds[i - 1][0]] : [loc.id!]);
  }
  const hcsIds: string[] = [];
  for (let i = 0; i < units.length; i++) {
    const u = units[i];
    const sensitive = u.kind === 'uhsi' || u.kind === 'ufdh';
    const h = offer(rng, region, `hcs-${finess}-${i + 1}`, offerIdentifier(region, finess, i + 1), { reference: providers[i] }, u, locIds[i], e, sensitive);
    hcsIds.push(h.id!);
    yield h;
  }
  // hospital practitioners on the MCO/PSY offers of the larger establishments
  for (let i = 0; i < units.length; i++) {
    const u = units[i];
    if (!(u.champ === 'MCO' || u.champ === 'PSY') || u.capacity === 0 && u.kind !== 'urg') continue;
    const n = u.kind === 'uhsi' || u.kind === 'ufdh' ? 1 : rng.int(0, 2);
    for (let k = 0; k < n; k++) {
      const [pr, role] = hospitalPractitioner(ctx.seed, rng, region, `${finess}-${i + 1}-${k + 1}`, u, `HealthcareService/${hcsIds[i]}`, egRef.reference, `Location/${locIds[i][0]}`, e[15]);
      yield pr;
      yield role;
    }
  }
}

const REL = ['Accès par le hall principal', 'Bâtiment B, 2e étage', 'Aile nord'];

function location(rng: Rng, region: string, id: string, name: string, p: Place, u: UnitSpec, e: EtabRow, extra: Extension[]): Location {
  const ext: Extension[] = [communeCog(p.commune?.[0] ?? '', p.commune?.[1] ?? ''), creationDate(rng), ...extra];
  if (u.capacityType && u.capacity > 0) ext.push(...capacities(rng, u));
  if (u.kind === 'rea') ext.push(equipment(EQUIPEMENTS.pressionNegative, rng.int(1, 3)), equipment(EQUIPEMENTS.doubleFlux, rng.int(1, 4), 250));
  if (u.kind === 'urg' && rng.chance(0.5)) ext.push(equipment(EQUIPEMENTS.decontamination, 1));
  if (u.kind === 'uhsi' || u.kind === 'ufdh') ext.push(equipment(EQUIPEMENTS.carcerale, rng.int(2, 8)));
  if (u.kind === 'psy' && rng.chance(0.3)) ext.push(equipment(EQUIPEMENTS.isolement, rng.int(1, 4)));
  if (u.champ === 'MS' && u.careMode === MODE_PEC.HEB_PERM && rng.chance(0.3)) {
    ext.push({ url: `${ROR}ror-location-residential-capacity`, extension: [
      { url: 'residentialType', valueCodeableConcept: cc('https://mos.esante.gouv.fr/NOS/TRE_R249-TypeHabitation/FHIR/TRE-R249-TypeHabitation', '01', 'Chambre individuelle') },
      { url: 'residentialNumber', valueInteger: u.capacity },
    ] });
  }
  if (rng.chance(0.2)) ext.push({ url: `${ROR}ror-comment`, valueString: rng.pick(REL) });
  const loc: Location = {
    resourceType: 'Location',
    id,
    meta: meta(PROFILE.location, region, rng),
    extension: ext,
    identifier: [
      { type: cc(SYS.typeIdAutre, '26'), value: `${e[0]}-${id.split('-').pop()}` },
      { type: cc(SYS.typeIdAutre, '25'), value: `${region}/${id}` },
    ],
    status: 'active',
    name,
    type: [u.capacityType === '01' ? cc(SYS.fonctionLieu, '001', 'Hébergement') : cc(SYS.fonctionLieu, '002', 'Soins')],
    address: { line: p.line.filter(Boolean), postalCode: p.cp, city: p.city, country: 'FRA' },
    ...(p.lat != null && p.lon != null ? { position: { extension: [{ url: `${ROR}ror-coordinate-reliability`, valueBoolean: p.reliable }], latitude: p.lat, longitude: p.lon } } : {}),
  };
  if (rng.chance(0.4)) {
    const lv = rng.pick([L.libre, L.restreint, L.tresRestreint] as const);
    loc.telecom = [telecom('tel', phone(rng, e[15]), rng.chance(0.03) ? undefined : lv)];
  }
  return loc;
}

/** Full set of capacity indicators for a bed/place unit, sized from its installed capacity. */
function capacities(rng: Rng, u: UnitSpec): Extension[] {
  const type = u.capacityType!;
  const installed = u.capacity;
  const upd = REFERENCE_DATE - rng.int(0, 72) * 3_600_000;
  const source = rng.chance(0.6) ? '02' : '01';
  const occupied = Math.round(installed * (0.7 + rng.next() * 0.28));
  const free = Math.max(0, installed - occupied);
  const closed = rng.chance(0.3) ? rng.int(1, Math.max(1, Math.ceil(installed / 10))) : 0;
  const specs: CapacitySpec[] = [{ type, status: '01', nb: installed }];
  if (u.champ !== 'VILLE') {
    const f = Math.floor(free / 2);
    specs.push(
      { type, status: '02', nb: f, gender: '01' },
      { type, status: '02', nb: free - f - Math.min(free - f, 1), gender: '02' },
      { type, status: '02', nb: Math.min(free - f, 1), gender: '03' },
      { type, status: '03', nb: occupied },
      { type, status: '04', nb: rng.int(0, 2) },
      { type, status: '02', temporality: '03', nb: Math.max(0, free + rng.int(-1, 2)) },
      { type, status: '02', temporality: '05', nb: Math.max(0, free + rng.int(-2, 4)) },
    );
    if (closed) specs.push({ type, status: '05', nb: closed, closingType: rng.chance(0.7) ? '01' : '02' });
    if (type === '01' && u.champ !== 'MS') {
      specs.push({ type, status: '06', nb: rng.int(1, 4), additionalBedType: '02' });
      if (rng.chance(0.3)) specs.push({ type, status: '06', nb: rng.int(1, 3), additionalBedType: '01' });
    }
    // crisis capacity (très restreint): plan blanc beds and Covid+ assignment on intensive care
    if (u.kind === 'rea' || (type === '01' && rng.chance(0.02))) {
      specs.push({ type, status: '06', nb: rng.int(2, 8), additionalBedType: '03', crisisType: '02', comment: 'Lits mobilisables plan blanc' });
      if (rng.chance(0.5)) specs.push({ type, status: '01', nb: rng.int(1, 4), temporaryAssignement: '02' });
    }
  }
  return specs.map((s) => capacity(s, upd, source));
}

function offer(rng: Rng, region: string, id: string, ident: { type: ReturnType<typeof cc>; value: string }, provider: { reference: string }, u: UnitSpec, locs: string[], e: EtabRow, sensitive: boolean): HealthcareService {
  const ext: Extension[] = [
    { url: `${ROR}ror-healthcareservice-sensitive-unit`, valueBoolean: sensitive },
    { url: `${ROR}ror-healthcareservice-patient-type`, extension: [
      ...(u.champ === 'MS' ? [{ url: 'supportedPatientInfo', valueCodeableConcept: cc(SYS.publicPec, u.ageLow >= 60 ? '01' : '03', u.ageLow >= 60 ? 'Personnes âgées' : 'Personnes handicapées') }] : []),
      { url: 'ageRange', valueRange: { low: { value: u.ageLow, system: SYS.ucum, code: 'a' }, high: { value: u.ageHigh, system: SYS.ucum, code: 'a' } } },
    ] },
    creationDate(rng),
  ];
  if (u.kind === 'psy') ext.push({ url: `${ROR}ror-healthcareservice-psychiatric-sector`, valueString: `${e[15]}G${String(rng.int(1, 12)).padStart(2, '0')}` });
  ext.push(healthcareServiceContact({ fonction: FONCTION_CONTACT[2], nature: NATURE_CONTACT.secretariat, level: L.libre, telecoms: [
    { channel: 'tel', value: phone(rng, e[15]), level: L.libre },
    { channel: 'fax', value: phone(rng, e[15]), level: L.restreint },
  ] }));
  if (u.champ !== 'VILLE' || rng.chance(0.3)) {
    ext.push(healthcareServiceContact({ fonction: FONCTION_CONTACT[1], nature: NATURE_CONTACT.admission, level: L.restreint, name: 'Cadre de santé', telecoms: [
      { channel: 'tel', value: phone(rng, e[15]), level: L.restreint },
      { channel: 'mss', value: `cadre.${id}@example.mssante.fr`, level: L.tresRestreint },
    ] }));
  }
  if (u.kind === 'urg' || u.kind === 'rea' || u.kind === 'samu') {
    ext.push(healthcareServiceContact({ nature: NATURE_CONTACT.garde, level: L.tresRestreint, name: 'Médecin de garde', telecoms: [{ channel: 'tel', value: phone(rng, e[15]), level: L.tresRestreint }] }));
  }
  if (rng.chance(0.03)) ext.push(healthcareServiceContact({ nature: NATURE_CONTACT.accueil, level: undefined, telecoms: [{ channel: 'tel', value: phone(rng, e[15]), level: undefined }] }));

  const characteristic = [{ coding: [coding(SYS.modePec, u.careMode[0], u.careMode[1])] }] as CodeableConcept[];
  const act = (a: readonly [string, string], kind: 'specificAct' | 'outsideOfficeAct') => ({
    extension: [{ url: `${ROR}ror-act-type`, valueCode: kind }],
    coding: [coding(SYS.acte, a[0], a[1])],
  });
  if (u.champ === 'MCO' && u.kind !== 'samu' && rng.chance(0.6)) characteristic.push(act(rng.pick(ACTES.common), 'specificAct'));
  // NRBC decontamination acts (très restreint): always on SAMU offers, on some emergency departments
  if (u.kind === 'samu' || (u.kind === 'urg' && rng.chance(0.4))) for (const n of ACTES.nrbc) characteristic.push(act(n, 'specificAct'));
  if (u.kind === 'had' || (u.champ === 'MS' && u.careMode === MODE_PEC.DOMICILE)) characteristic.push(act(rng.pick(ACTES.outside), 'outsideOfficeAct'));
  if (u.champ === 'MS' || u.kind === 'ssr') {
    const s = rng.pick(SPECIALISATIONS);
    characteristic.push({ coding: [coding(SYS.specialisationPec, s[0], s[1])] });
    const p = rng.pick(PROFESSIONS_RESSOURCE);
    characteristic.push({ coding: [coding(SYS.professionRessource, p[0], p[1])] });
  }
  if (rng.chance(0.25)) {
    const c = rng.pick(COMPETENCES);
    characteristic.push({ coding: [coding(SYS.competenceSpecifique, c[0], c[1])] });
  }

  const hcs: HealthcareService = {
    resourceType: 'HealthcareService',
    id,
    meta: meta(PROFILE.healthcareService, region, rng),
    extension: ext,
    identifier: [ident],
    active: true,
    providedBy: provider,
    ...(u.offerType ? { category: [cc(SYS.typeOffre, u.offerType[0], u.offerType[1])] } : {}),
    type: [cc(SYS.champ, CHAMP[u.champ][0], CHAMP[u.champ][1])],
    specialty: [cc(SYS.activite, u.activity[0], u.activity[1])],
    location: locs.map((l) => ({ reference: `Location/${l}` })),
    name: u.name,
    characteristic,
  };
  if (rng.chance(0.3)) hcs.telecom = [telecom('mss', `${id}@example.mssante.fr`, L.restreint)];
  if (u.careMode !== MODE_PEC.HC && u.careMode !== MODE_PEC.URG && u.careMode !== MODE_PEC.HEB_PERM) {
    hcs.availableTime = WEEKDAYS.map((day) => ({ daysOfWeek: [day], availableStartTime: '08:30:00', availableEndTime: '18:00:00' }));
  } else hcs.availableTime = [{ allDay: true }];
  if (rng.chance(0.01)) {
    hcs.notAvailable = [{ id: 'closingReopeningDate', description: 'Fermeture pour travaux', during: { start: isoDate(REFERENCE_DATE - 20 * 86_400_000), end: isoDate(REFERENCE_DATE + 40 * 86_400_000) } }];
  }
  return hcs;
}

export function ehpadPrices(p: [number, number, number, number, number, string]): Extension[] {
  const out: Extension[] = [];
  const price = (type: readonly [string, string], amount: number, extra: Extension[]) => ({
    url: `${ROR}ror-organization-price`,
    extension: [
      { url: 'priceType', valueCodeableConcept: cc(SYS.typeTarif, type[0], type[1]) },
      { url: 'priceUnit', valueCodeableConcept: cc(SYS.unitePrix, '01', 'Par jour') },
      { url: 'amount', valueMoney: { value: amount, currency: 'EUR' } },
      ...(p[5] ? [{ url: 'startDate', valueDateTime: `${p[5]}T00:00:00+00:00` }] : []),
      ...extra,
    ],
  });
  const welcome = (code: string, display: string) => ({ url: 'welcomeType', valueCodeableConcept: cc(SYS.temporaliteAccueil, code, display) });
  if (p[0]) out.push(price(['01', 'Tarif hébergement'], p[0], [welcome('01', 'Permanent')]));
  if (p[1]) out.push(price(['01', 'Tarif hébergement'], p[1], [welcome('02', 'Temporaire')]));
  const gir: [number, string, string][] = [[p[2], '01', 'GIR 1-2'], [p[3], '02', 'GIR 3-4'], [p[4], '03', 'GIR 5-6']];
  for (const [amount, code, display] of gir) {
    if (amount) out.push(price(['02', 'Tarif dépendance'], amount, [{ url: 'dependencyLevel', valueCodeableConcept: cc(SYS.groupeDependance, code, display) }]));
  }
  return out;
}

export type { Practitioner, PractitionerRole };
