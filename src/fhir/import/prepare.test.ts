import { describe, expect, it } from 'vitest';
import { directoryFixture } from '../../../test/fixtures/directory.js';
import type { PreparedResource } from '../ingest.js';
import type { Resource } from '../../policy/types.js';
import { collectReferences } from '../views/context.js';
import { prepareBatch } from './prepare.js';

describe('prepareBatch', () => {
  it('gives each resource its stored text and the references the ingesting thread would find in it', () => {
    const resources = directoryFixture();
    const batch = prepareBatch('f.ndjson', resources, 123, 10);
    expect(batch.bytesRead).toBe(123);
    const items = batch.items as PreparedResource[];
    expect(items.map((i) => `${i.type}/${i.id}`)).toEqual(resources.map((r) => `${r.resourceType}/${r.id}`));
    for (const item of items) {
      expect(item.references!.sort()).toEqual(collectReferences(JSON.parse(item.content)).sort());
    }
    // an offer references the organisation that provides it
    const offer = resources.find((r) => r.resourceType === 'HealthcareService') as Resource & { providedBy: { reference: string } };
    expect(items.find((i) => i.id === offer.id && i.type === 'HealthcareService')!.references).toContain(offer.providedBy.reference);
  });
});
