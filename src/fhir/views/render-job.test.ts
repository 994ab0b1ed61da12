import { describe, expect, it } from 'vitest';
import { ALL_PROFILES, SECTORS } from '../../policy/index.js';
import { directoryFixture } from '../../../test/fixtures/directory.js';
import { packOutcome, renderJob, unpackOutcome } from './render-job.js';
import { rawContent, renderResource } from './render.js';

describe('render jobs', () => {
  it('render as renderResource does, and cross threads packed without a change', () => {
    for (const r of directoryFixture()) {
      const text = rawContent(r);
      const masks = new Map([['Organization/none', 0b10]]);
      const direct = renderResource(JSON.parse(text), { sectors: new Set(SECTORS), sensitive: false, referenceMask: (ref) => masks.get(ref) ?? ALL_PROFILES }, [], 5, text);
      const job = renderJob({ rawText: text, sectors: [...SECTORS], sensitive: false, referenceMasks: masks, current: [], now: 5 });
      expect(job).toEqual(direct);
      const packed = packOutcome(job);
      // each distinct body once
      expect(new Set(packed.bodies).size).toBe(packed.bodies.length);
      expect(packed.bodies.length).toBe(new Set(job.changed.map((v) => v.body).filter((b) => b !== null)).size);
      expect(unpackOutcome(structuredClone(packed))).toEqual(job);
    }
  });
});
