// Loads the committed compact extract (data/demo/extract.json.gz) built by scripts/gen-demo-extract.mjs.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

export interface SaeCapacities {
  mco?: [med: number, chi: number, obs: number, placesMco: number];
  ssr?: [litAdult: number, placeAdult: number, litChild: number, placeChild: number];
  psy?: [litGen: number, hdjGen: number, litInf: number, hdjInf: number];
  usld?: number;
  rea?: [rea: number, soinsIntensifs: number, surveillanceContinue: number, usic: number];
  had?: number;
  urg?: 1;
  samu?: 1;
  smur?: 1;
  perinat?: string;
  dial?: number;
}

export type EtabRow = [
  nofinesset: string, nofinessej: string, rs: string, siret: string, categetab: string, adresse: string,
  adresseCompl: string, codepostal: string, ville: string, telephone: string, telecopie: string, dateouv: string,
  datemaj: string, latitude: number | null, longitude: number | null, departement: string, communeCog: string,
  codesph: string,
];
export type CommuneRow = [code: string, nom: string, dep: string, region: string, population: number, cp: string,
  lat: number | null, lon: number | null];

export interface DemoExtract {
  version: number;
  categories: Record<string, [label: string, domain: string, perimeter: string]>;
  etabs: EtabRow[];
  sae: Record<string, SaeCapacities>;
  ehpad: Record<string, [permanent: number, temporary: number, gir12: number, gir34: number, gir56: number, date: string]>;
  communes: CommuneRow[];
  departements: [code: string, nom: string, region: string][];
  regions: [code: string, nom: string][];
  ps: Record<string, [sheet: string, speciality: string, headcount: number][]>;
}

export const EXTRACT_FILE = fileURLToPath(new URL('../../data/demo/extract.json.gz', import.meta.url));

let cached: DemoExtract | undefined;
export function loadExtract(): DemoExtract {
  cached ??= JSON.parse(gunzipSync(readFileSync(EXTRACT_FILE)).toString('utf8')) as DemoExtract;
  return cached;
}
