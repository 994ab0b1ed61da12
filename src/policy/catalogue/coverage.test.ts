// (a) Every element id, extension URL and sub-extension URL of every ROR profile is classified.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifiesElement, classifiesExtension } from './compile.js';

const IG = '../shared/spec/ig';
const sds = readdirSync(IG)
  .filter((f) => f.startsWith('StructureDefinition-'))
  .map((f) => JSON.parse(readFileSync(`${IG}/${f}`, 'utf8')));
const extensionDefs = new Map<string, { subs: { slice: string; url: string }[] }>();
for (const sd of sds.filter((s) => s.type === 'Extension')) {
  const subs: { slice: string; url: string }[] = [];
  for (const e of sd.differential.element) {
    const m = /^Extension\.extension:([^.]+)$/.exec(e.id);
    if (m) subs.push({ slice: m[1], url: e.type?.[0]?.profile?.[0] ?? m[1] });
  }
  extensionDefs.set(sd.url, { subs });
}
const profiles = sds.filter((s) => s.type !== 'Extension');
/** Extensions defined by the IG but used by no profile, or only by a resource the policy does not serve. */
const OUT_OF_SCOPE = new Set(['https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition/ror-launchcontext']);

describe('catalogue coverage of the ROR IG', () => {
  it('reads the eight profiles', () => expect(profiles.map((p) => p.type).sort()).toEqual(['HealthcareService', 'Location', 'Measure', 'MeasureReport', 'Organization', 'Practitioner', 'PractitionerRole', 'Task']));

  for (const sd of profiles) {
    it(`classifies every element of ${sd.id}`, () => {
      const sliceUrls = new Map<string, string>();
      for (const e of sd.differential.element) if (e.type?.[0]?.code === 'Extension' && e.type[0].profile) sliceUrls.set(e.id, e.type[0].profile[0]);
      const missing = sd.differential.element.map((e: { id: string }) => e.id).filter((id: string) => !classifiesElement(sd.type, id, sliceUrls));
      expect(missing).toEqual([]);
    });

    it(`classifies every sub-extension of the extensions ${sd.id} uses`, () => {
      const missing: string[] = [];
      for (const e of sd.differential.element) {
        const url = e.type?.[0]?.code === 'Extension' ? e.type[0].profile?.[0] : undefined;
        if (!url) continue;
        const sliceUrls = new Map([[e.id, url]]);
        for (const sub of extensionDefs.get(url)?.subs ?? []) {
          const subId = `${e.id}.extension:${sub.slice}`;
          if (!classifiesElement(sd.type, subId, new Map([...sliceUrls, [subId, sub.url]]))) missing.push(`${e.id} → ${sub.url}`);
          for (const nested of extensionDefs.get(sub.url)?.subs ?? []) {
            const id = `${subId}.extension:${nested.slice}`;
            if (!classifiesElement(sd.type, id, new Map([...sliceUrls, [subId, sub.url], [id, nested.url]]))) missing.push(`${e.id} → ${sub.url} → ${nested.url}`);
          }
        }
      }
      expect(missing).toEqual([]);
    });
  }

  it('places every ROR extension somewhere in the catalogue (or says why not)', () => {
    const placed = (url: string) =>
      ['Organization', 'HealthcareService', 'Location', 'Practitioner', 'PractitionerRole'].some((t) =>
        ['', 'contact', 'contact.telecom', 'telecom', 'address', 'address.line', 'name', 'characteristic', 'availableTime', 'position', 'extension(ror-healthcareservice-contact)', 'extension(ror-healthcareservice-contact).extension(ror-healthcareservice-contact-telecom)', 'extension(ror-location-equipment)', 'address.extension(geolocation)']
          .some((p) => classifiesExtension(t, p, url)));
    const missing = [...extensionDefs.keys()].filter((url) => !OUT_OF_SCOPE.has(url) && !placed(url));
    expect(missing).toEqual([]);
  });

  it('does not classify what the IG does not define', () => {
    expect(classifiesElement('Organization', 'Organization.endpoint', new Map())).toBe(false);
    expect(classifiesElement('Organization', 'Organization.extension:foo', new Map([['Organization.extension:foo', 'https://example.org/foo']]))).toBe(false);
    expect(classifiesElement('HealthcareService', 'HealthcareService.characteristic:madeUp', new Map())).toBe(false);
  });
});
