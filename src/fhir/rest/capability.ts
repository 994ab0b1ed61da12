// The CapabilityStatement, generated from what the server really supports: the stored types, the
// interactions routed for them and the search parameters of the registry.

import { searchParamsForCapability } from '../search/index.js';
import { STORED_TYPES } from '../resource-types.js';

export interface CapabilityOptions {
  base: string;
  version: string;
  /** Interactions beyond reading that the server routes, per type (filled by the write issues). */
  extraInteractions?: Partial<Record<string, string[]>>;
}

export function capabilityStatement(opts: CapabilityOptions): Record<string, unknown> {
  const resources = STORED_TYPES.map((type) => {
    const params = searchParamsForCapability(type);
    const refs = params.filter((p) => p.type === 'reference');
    return {
      type,
      profile: `https://interop.esante.gouv.fr/ig/fhir/ror/StructureDefinition/ror-${type.toLowerCase()}`,
      interaction: ['read', 'vread', 'history-instance', 'search-type', ...(opts.extraInteractions?.[type] ?? [])].map((code) => ({ code })),
      versioning: 'versioned',
      readHistory: true,
      searchInclude: refs.map((p) => `${type}:${p.name}`),
      searchRevInclude: STORED_TYPES.flatMap((source) =>
        searchParamsForCapability(source)
          .filter((p) => p.type === 'reference' && (p.target ?? []).includes(type))
          .map((p) => `${source}:${p.name}`),
      ),
      searchParam: params.map((p) => ({ name: p.name, definition: p.definition, type: p.type, documentation: p.documentation })),
    };
  });
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    software: { name: 'ror', version: opts.version },
    implementation: { description: 'ROR directory with the ANS data-access policy (modèle d’exposition 3.0)', url: opts.base },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    patchFormat: ['application/fhir+json', 'application/json-patch+json'],
    instantiates: ['https://interop.esante.gouv.fr/ig/fhir/ror/CapabilityStatement/ror-serveur'],
    rest: [
      {
        mode: 'server',
        documentation: 'Every request needs a bearer token (POST /auth/token, client_credentials). Each client sees only the view of its read profile.',
        security: {
          cors: false,
          service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'OAuth' }] }],
        },
        // AuditEvent is the operator's only and, for a tool, does not exist: not advertised.
        resource: resources,
        interaction: [{ code: 'transaction' }, { code: 'batch' }],
        operation: [{ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' }],
        searchParam: [
          { name: '_count', type: 'number', documentation: 'Page size, default and maximum 200' },
          { name: '_sort', type: 'string' },
          { name: '_total', type: 'token' },
          { name: '_elements', type: 'string' },
          { name: '_summary', type: 'token' },
          { name: '_include', type: 'special' },
          { name: '_revinclude', type: 'special' },
        ],
      },
    ],
  };
}
