// Explanations: per profile, whether a resource is visible and what was hidden and why.
import { renderViews } from './redactor/render.js';
import { PROFILES, type HiddenPath, type PolicyContext, type Profile, type Resource } from './types.js';

export interface ProfileExplanation {
  profile: Profile;
  visible: boolean;
  hidden: HiddenPath[];
}

export function explainResource(resource: Resource, ctx: PolicyContext): ProfileExplanation[] {
  const { views, hidden } = renderViews(resource, ctx);
  return PROFILES.map((p) => ({ profile: p, visible: views[p] !== null, hidden: hidden[p] }));
}
