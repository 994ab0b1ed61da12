// Minimal FHIR R4 shapes for the generator (the installed @types/fhir is STU3 and global, so not used).
// Loose on purpose: conformance to the ROR profiles is checked by the tests against the IG differentials.
import type { Resource as PolicyResource } from '../policy/types.js';

export type Resource = PolicyResource & { id: string };
/* eslint-disable @typescript-eslint/no-explicit-any */
type Loose = { [key: string]: any };
export interface Coding { system?: string; code?: string; display?: string }
export interface CodeableConcept extends Loose { coding?: Coding[]; text?: string }
export interface Extension extends Loose { url: string }
export interface Meta { lastUpdated?: string; profile?: string[]; tag?: Coding[] }
export interface ContactPoint extends Loose { extension?: Extension[]; system?: 'phone' | 'fax' | 'email' | 'url'; value?: string }
export interface Address extends Loose { extension?: Extension[]; line?: string[]; postalCode?: string; city?: string }
export interface Organization extends Loose { resourceType: 'Organization'; id: string }
export interface HealthcareService extends Loose { resourceType: 'HealthcareService'; id: string; characteristic?: CodeableConcept[] }
export interface Location extends Loose { resourceType: 'Location'; id: string }
export interface Practitioner extends Loose { resourceType: 'Practitioner'; id: string }
export interface PractitionerRole extends Loose { resourceType: 'PractitionerRole'; id: string }
