// Public API of the policy layer (pure: no I/O, imports nothing else of the project).
export * from './types.js';
export { GROUPS, GROUP_LIST, type GroupDef, type GroupKey } from './catalogue/groups.js';
export { CATALOGUE, CATALOGUE_TYPES, DISCRIMINATED_PATHS, type CatalogueRow, type CatalogueResourceType } from './catalogue/rows.js';
export { DISCRIMINATORS, LEVEL_READERS, NRBC_CODES, isNrbcCoding, levelOfConfidentialityExtension } from './catalogue/conditions.js';
export { DATA_ABSENT_REASON, SECURITY_SYSTEM, ROR_SD, EXTENSION_ALIASES } from './catalogue/urls.js';
export { classifiesElement, classifiesExtension, sameExtensionClass } from './catalogue/compile.js';
export { PROFILE_RULES, profileIncludes, visibilityMask, sectorBits, cataloguePoints, type ProfileRule } from './profiles.js';
export {
  ALL_SECTORS, candidateSectors, sectorOfChamp, sectorOfEgCategory, sectorsOfEg, sectorsOfEj, sectorsOfLocation, sectorsOfOffer, sectorsOfOi, sectorsOfPractitioner,
} from './sectors.js';
export { renderViews, redact, rememberRedactions } from './redactor/render.js';
export { explainResource, type ProfileExplanation } from './explain.js';
export { renderCatalogueMarkdown } from './markdown.js';
export {
  createHabilitation, profileForUser, isHealthProfession, DEFAULT_CU_PROFILES, HEALTH_PROFESSION_CODES, type Habilitation, type UserRole,
} from './habilitation.js';
export { WRITE_PROFILES, mayWrite, type WritableElement, type WriteProfile } from './write-profiles.js';
