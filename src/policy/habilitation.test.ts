import { describe, expect, it } from 'vitest';
import { createHabilitation, profileForUser } from './habilitation.js';
import { ALL_SECTORS, sectorOfChamp, sectorOfEgCategory, sectorsOfEj, sectorsOfLocation, sectorsOfOffer } from './sectors.js';
import { mayWrite } from './write-profiles.js';

describe('habilitation (policy-decisions §6)', () => {
  it('maps the seed matrix', () => {
    expect(['CU22', 'CU25', 'CU17', 'CU18', 'CU20', 'CU19', 'CU21', 'CU23', 'CU28', 'CU29', 'CU30'].map((cu) => profileForUser(cu))).toEqual([1, 1, 2, 2, 2, 3, 3, 0, 4, 4, 5]);
  });
  it('CU24: a TRE_G15 health profession gets P2, anyone else P5', () => {
    expect(profileForUser('CU24', { code: '60', system: 'https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante' })).toBe(2);
    expect(profileForUser('CU24', { code: '10', system: '1.2.250.1.71.1.2.7' })).toBe(2);
    expect(profileForUser('CU24', { code: '41', system: 'https://mos.esante.gouv.fr/NOS/TRE_R94-ProfessionSocial/FHIR/TRE-R94-ProfessionSocial' })).toBe(5);
    expect(profileForUser('CU24', { code: 'AUTOMATE', system: '1.2.250.1.213.1.1.4.6' })).toBe(5);
    expect(profileForUser('CU24')).toBe(5);
  });
  it('refuses unknown finalités unless the operator maps them', () => {
    expect(profileForUser('CU26')).toBeNull();
    expect(profileForUser('CU99')).toBeNull();
    const h = createHabilitation({ CU26: 4, CU23: null });
    expect(h.profileForUser('CU26')).toBe(4);
    expect(h.profileForUser('CU23')).toBeNull();
  });
});

describe('sector rules (policy-decisions §1)', () => {
  it('reads champ and EG category', () => {
    expect(['01', '02', '03', '04', '05', '06', undefined].map(sectorOfChamp)).toEqual(['sanitaire', 'sanitaire', 'sanitaire', 'ms', 'ville', null, null]);
    expect(sectorOfEgCategory('101')).toBe('sanitaire');
    expect(sectorOfEgCategory('nope')).toBeNull();
  });
  it('unknown means every candidate', () => {
    expect(sectorsOfOffer(undefined)).toBe(ALL_SECTORS);
    expect([...sectorsOfOffer('99', new Set(['ms']))]).toEqual(['ms']);
    expect([...sectorsOfEj([new Set(['ms']), new Set(['ms'])])]).toEqual(['ms']);
    expect([...sectorsOfEj([new Set(['ms']), new Set(['ville'])])].sort()).toEqual(['ms', 'ville']);
    expect(sectorsOfEj([])).toBe(ALL_SECTORS);
    expect([...sectorsOfLocation([], new Set(['sanitaire']))]).toEqual(['sanitaire']);
    expect(sectorsOfLocation([])).toBe(ALL_SECTORS);
  });
});

describe('write profiles (policy-decisions §7)', () => {
  it('A writes capacities and the offer-location link only; B writes Tasks', () => {
    expect(mayWrite('A', 'Location', 'extension(ror-location-supported-capacity)')).toBe(true);
    expect(mayWrite('A', 'HealthcareService', 'location')).toBe(true);
    expect(mayWrite('A', 'Location', 'name')).toBe(false);
    expect(mayWrite('B', 'Task', 'businessStatus')).toBe(true);
    expect(mayWrite('B', 'Location', 'extension(ror-location-supported-capacity)')).toBe(false);
  });
});

describe('rendered catalogue and explanations', () => {
  it('docs/policy-catalogue.md is the current rendering (run scripts/gen-policy-catalogue.ts)', async () => {
    const { readFileSync } = await import('node:fs');
    const { renderCatalogueMarkdown } = await import('./markdown.js');
    expect(readFileSync('docs/policy-catalogue.md', 'utf8')).toBe(renderCatalogueMarkdown());
  });
  it('explains per profile what is visible and why something is hidden', async () => {
    const { explainResource } = await import('./explain.js');
    const r = { resourceType: 'Organization', id: 'o', name: 'EG', extension: [{ url: 'https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition/ror-organization-drop-zone', valueBoolean: true }] };
    const e = explainResource(r, { sectors: new Set(['sanitaire']), sensitive: false, referenceMask: () => 63 });
    expect(e.map((x) => x.visible)).toEqual([true, true, true, true, true, true]);
    expect(e[2].hidden).toHaveLength(1);
    expect(e[2].hidden[0]).toMatchObject({ group: 'Zone de poser', level: 3, sectors: ['sanitaire'] });
    expect(e[4].hidden).toEqual([]);
  });
});
