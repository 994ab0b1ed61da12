// Renders one resource of a write session against its neighbourhood: resolves its policy context, renders
// its views and index, writes what changed.
import { ALL_PROFILES } from '../../policy/index.js';
import { resolveContext } from './context.js';
import { renderResource } from './render.js';
import type { SessionNeighbourhood } from './session.js';

/** The profiles a rendered resource exists for, and those its referrers saw it exist for; null: deleted. */
export type Rendered = { existence: number; seen: number } | null;

/**
 * Renders one resource; returns the profiles it exists for and those its referrers saw it exist for
 * (every profile while it had no view: context.ts reads a missing resource as existing), or null when
 * deleted.
 */
export async function renderOne(nb: SessionNeighbourhood, type: string, id: string, now: number): Promise<Rendered> {
  const stored = await nb.current(type, id);
  if (stored.version === null) return null;
  const current = await nb.viewStates(type, id);
  const seen = (await nb.existence(type, id)) ?? ALL_PROFILES;
  if (stored.deleted) {
    nb.noteRendered(type, id, true);
    const gone = current.filter((v) => v.body !== null).map((v) => ({ profile: v.profile, version: v.version + 1, lastUpdated: now, hash: 'absent', body: null }));
    if (gone.length) await nb.writeRender(type, id, gone, []);
    return null;
  }
  const raw = stored.raw!;
  const ctx = await resolveContext(nb, raw);
  const outcome = renderResource(raw, ctx, current, now, stored.body, nb.indexScope(type, id, raw));
  nb.noteRendered(type, id, outcome.existence !== outcome.previousExistence);
  await nb.writeRender(type, id, outcome.changed, outcome.index, outcome.resourceInView, outcome.indexScope);
  return { existence: outcome.existence, seen };
}
