// One resource to render, as plain data that can cross to a worker thread: the stored text of the
// resource, its resolved policy context, its current view states and the instant of the change.
import { ALL_PROFILES, type PolicyContext, type ProfileMask, type Resource, type Sector } from '../../policy/index.js';
import type { StoredView } from '../../store/contract.js';
import { renderResource, type RenderOutcome } from './render.js';

export interface RenderJob {
  /** The stored (rawContent) text of the resource: parsed where it is rendered. */
  rawText: string;
  sectors: Sector[];
  sensitive: boolean;
  referenceMasks: Map<string, ProfileMask>;
  /** Current view states (bodies '' or null). */
  current: StoredView[];
  now: number;
}

export interface RenderRequest {
  seq: number;
  jobs: RenderJob[];
}

export type RenderReply = { seq: number; outcomes: RenderOutcome[] } | { seq: number; error: string };

export function renderJob(job: RenderJob): RenderOutcome {
  const masks = job.referenceMasks;
  const ctx: PolicyContext = {
    sectors: new Set(job.sectors),
    sensitive: job.sensitive,
    referenceMask: (ref: string) => masks.get(ref) ?? ALL_PROFILES,
  };
  return renderResource(JSON.parse(job.rawText) as Resource, ctx, job.current, job.now, job.rawText);
}
