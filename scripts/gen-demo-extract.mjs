#!/usr/bin/env node
// Builds data/demo/extract.json.gz: the compact, committed extract of ../shared/data that the demo
// dataset generator reads at run time (the runtime never reads /work/shared). Only the columns used.
// Usage: node scripts/gen-demo-extract.mjs [sharedDataDir]
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync, constants } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = resolve(process.argv[2] ?? join(root, '..', 'shared', 'data'));
const out = join(root, 'data', 'demo', 'extract.json.gz');

const csv = (rel, opts = {}) =>
  parse(readFileSync(join(src, rel), 'utf8'), {
    delimiter: ';', columns: true, skip_empty_lines: true, relax_quotes: true, bom: true, ...opts,
  });
const num = (v) => (v === undefined || v === '' ? 0 : Number(String(v).replace(',', '.')) || 0);

// --- ROR perimeter: FINESS categories kept (everything but "Non suivi")
const categories = {};
for (const r of csv('finess/ror_perimetre_categories_finess.csv')) {
  if (/non suivi/i.test(r.perimetre_ror)) continue;
  categories[r.categetab] = [r.libcategetab_finess_2021, r.domaine_ror, r.perimetre_ror];
}

// --- Establishments (EG) in the perimeter
const etabs = [];
for (const r of csv('finess/finess_et_20210108.csv')) {
  if (!categories[r.categetab]) continue;
  etabs.push([
    r.nofinesset, r.nofinessej, r.rs, r.siret, r.categetab, r.adresse, r.adresse_compl, r.codepostal,
    r.ville, r.telephone, r.telecopie, r.dateouv, r.datemaj,
    r.latitude ? Number(r.latitude) : null, r.longitude ? Number(r.longitude) : null,
    r.departement, r.commune_cog_derive, r.codesph,
  ]);
}
etabs.sort((a, b) => (a[1] === b[1] ? (a[0] < b[0] ? -1 : 1) : a[1] < b[1] ? -1 : 1));
const inScope = new Set(etabs.map((e) => e[0]));

// --- SAE 2020 capacities per establishment (beds "lits" and day places "places")
const sae = {};
const at = (f) => (sae[f] ??= {});
for (const r of csv('sae/sae_MCO_2020.csv')) if (inScope.has(r.nofinesset))
  at(r.nofinesset).mco = [num(r.LIT_MED), num(r.LIT_CHI), num(r.LIT_OBS), num(r.PLA_MCO)];
for (const r of csv('sae/sae_SSR_2020.csv')) if (inScope.has(r.nofinesset)) {
  const s = (at(r.nofinesset).ssr ??= [0, 0, 0, 0]);
  if (r.GDE === 'SSR_A') { s[0] += num(r.LIT); s[1] += num(r.PLA); }
  if (r.GDE === 'SSR_E') { s[2] += num(r.LIT); s[3] += num(r.PLA); }
}
for (const r of csv('sae/sae_PSY_2020.csv')) if (inScope.has(r.nofinesset)) {
  const p = (at(r.nofinesset).psy ??= [0, 0, 0, 0]);
  if (r.DIS === 'GEN') { p[0] += num(r.CAP_HTP); p[1] += num(r.CAP_HDJ); }
  if (r.DIS === 'INF') { p[2] += num(r.CAP_HTP); p[3] += num(r.CAP_HDJ); }
}
for (const r of csv('sae/sae_USLD_2020.csv')) if (inScope.has(r.nofinesset)) at(r.nofinesset).usld = num(r.LIT);
for (const r of csv('sae/sae_REA_2020.csv')) if (inScope.has(r.nofinesset)) {
  const x = (at(r.nofinesset).rea ??= [0, 0, 0, 0]);
  const i = { REAADU: 0, SITOT: 1, SURVADU: 2, USIC: 3 }[r.UNI];
  if (i !== undefined) x[i] += num(r.LIT);
}
for (const r of csv('sae/sae_HAD_2020.csv')) if (inScope.has(r.nofinesset)) at(r.nofinesset).had = num(r.PLATOT);
for (const r of csv('sae/sae_URGENCES_2020.csv')) if (inScope.has(r.nofinesset) && r.AUTSU === '1') at(r.nofinesset).urg = 1;
for (const r of csv('sae/sae_SMURSAMU_2020.csv')) if (inScope.has(r.nofinesset)) {
  if (r.SMUR === '1') at(r.nofinesset).smur = 1;
  if (r.SAMU === '1') at(r.nofinesset).samu = 1;
}
for (const r of csv('sae/sae_PERINAT_2020.csv')) if (inScope.has(r.nofinesset) && r.AUTOR)
  at(r.nofinesset).perinat = r.AUTOR;
for (const r of csv('sae/sae_DIALYSE_2020.csv')) if (inScope.has(r.nofinesset))
  at(r.nofinesset).dial = (at(r.nofinesset).dial ?? 0) + num(r.CAPA);

// --- CNSA EHPAD prices 2020
const ehpad = {};
for (const r of csv('esms/cnsa_prix_ehpad_2020.csv')) {
  if (!inScope.has(r.finessEt)) continue;
  ehpad[r.finessEt] = [num(r.prixHebPermCs), num(r.prixHebTempCs), num(r.TARIF_GIR_12), num(r.TARIF_GIR_34),
    num(r.TARIF_GIR_56), (r.DATE_MAJ || '').slice(0, 10)];
}

// --- Communes (COG 2026) with centroids (La Poste, ODbL)
const communes = [];
for (const r of csv('geo/communes_2026_coord.csv')) {
  communes.push([r.code_insee, r.nom, r.departement, r.region, Number(r.population) || 0,
    (r.codes_postaux || '').split(/[|,]/)[0], r.latitude ? Number(r.latitude) : null, r.longitude ? Number(r.longitude) : null]);
}
const departements = JSON.parse(readFileSync(join(src, 'geo/departements.json'), 'utf8')).map((d) => [d.code, d.nom, d.region]);
const regions = JSON.parse(readFileSync(join(src, 'geo/regions.json'), 'utf8')).map((d) => [d.code, d.nom]);

// --- ameli 2018: libéral head counts per speciality x département (detail rows only, no TOTAL/OMNIPRATICIENS)
const ps = {};
for (const r of csv('ps/ameli_effectifs_ps_liberaux_departement_2018.csv')) {
  const spec = r.profession_specialite;
  if (/^TOTAL/i.test(spec) || /OMNIPRATICIENS/.test(spec) || /^TOTAL/.test(r.departement_code)) continue;
  if (r.feuille === 'Laboratoires') continue; // laboratories are not professionals
  const n = num(r.effectif);
  if (!n) continue;
  (ps[r.departement_code] ??= []).push([r.feuille, spec, n]);
}

const extract = {
  version: 1,
  note: 'Generated by scripts/gen-demo-extract.mjs from ../shared/data; see data/ATTRIBUTION-datasets.md',
  etabColumns: ['nofinesset', 'nofinessej', 'rs', 'siret', 'categetab', 'adresse', 'adresse_compl', 'codepostal',
    'ville', 'telephone', 'telecopie', 'dateouv', 'datemaj', 'latitude', 'longitude', 'departement', 'commune_cog', 'codesph'],
  categories, etabs, sae, ehpad, communes, departements, regions, ps,
};
mkdirSync(dirname(out), { recursive: true });
const gz = gzipSync(Buffer.from(JSON.stringify(extract)), { level: constants.Z_BEST_COMPRESSION });
writeFileSync(out, gz);
console.log(`${out}: ${etabs.length} EG, ${new Set(etabs.map((e) => e[1])).size} EJ, ${Object.keys(sae).length} SAE, ` +
  `${Object.keys(ehpad).length} EHPAD prices, ${communes.length} communes, ${(gz.length / 1e6).toFixed(2)} MB`);
