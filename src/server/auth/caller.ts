// Who is calling: the client registered for the token, its finalité (CU code) giving the tool's read
// profile, narrowed to the end user's profile named by the Ror-* headers (policy-decisions §6).

import { createHabilitation, profileIncludes, type Habilitation, type Profile } from '../../policy/index.js';
import type { ClientRecord, Store } from '../../store/contract.js';
import { FhirError } from '../../fhir/errors.js';
import type { Caller } from '../../fhir/rest/types.js';
import type { TokenClaims } from './tokens.js';

/** OID and URL of TRE_R78 ProfilAccesReferentiel, the system of Ror-Profil-Utilisateur-Code. */
const PROFILE_SYSTEMS = new Set([
  '1.2.250.1.213.1.6.1.66',
  'urn:oid:1.2.250.1.213.1.6.1.66',
  'https://mos.esante.gouv.fr/NOS/TRE_R78-ProfilAccesReferentiel/FHIR/TRE-R78-ProfilAccesReferentiel',
]);
const CLIENT_CACHE_MS = 5_000;
/** End-user header combinations remembered per client (a bound on memory: headers come from the caller). */
const MAX_CALLERS_PER_CLIENT = 256;

type Headers = Record<string, string | string[] | undefined>;
const header = (h: Headers, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

// One Caller per client and end-user headers, while the client's record is cached: a read then creates no
// caller, and what is derived from it (its audit fragment, fhir/audit/event.ts) is computed once. Callers
// are frozen: they are shared between requests.
type ClientEntry = { client: ClientRecord | null; at: number; callers: Map<string, Caller> };

export class CallerResolver {
  private readonly clients = new Map<string, ClientEntry>();

  constructor(
    private readonly store: Store,
    private readonly habilitation: Habilitation = createHabilitation(),
  ) {}

  private async client(id: string): Promise<ClientEntry> {
    const hit = this.clients.get(id);
    if (hit && Date.now() - hit.at < CLIENT_CACHE_MS) return hit;
    const entry: ClientEntry = { client: await this.store.getClient(id), at: Date.now(), callers: new Map() };
    this.clients.set(id, entry);
    return entry;
  }

  async resolve(claims: TokenClaims, headers: Headers): Promise<Caller> {
    const entry = await this.client(claims.clientId);
    const userCode = header(headers, 'ror-profil-utilisateur-code');
    const userSystem = header(headers, 'ror-profil-utilisateur-system');
    const roleCode = header(headers, 'ror-role-metier-code');
    const roleSystem = header(headers, 'ror-role-metier-system');
    const key = userCode === undefined && userSystem === undefined && roleCode === undefined && roleSystem === undefined ? '' : JSON.stringify([userCode, userSystem, roleCode, roleSystem]);
    let caller = entry.callers.get(key);
    if (!caller) {
      caller = Object.freeze(this.caller(entry.client, userCode, userSystem, roleCode, roleSystem));
      if (entry.callers.size >= MAX_CALLERS_PER_CLIENT) entry.callers.clear();
      entry.callers.set(key, caller);
    }
    return caller;
  }

  private caller(client: ClientRecord | null, userCode?: string, userSystem?: string, roleCode?: string, roleSystem?: string): Caller {
    if (!client) throw new FhirError(401, 'login', 'The token names a client that is not registered', undefined, { 'www-authenticate': 'Bearer realm="ror"' });
    const toolProfile: Profile | null = client.operator ? 1 : this.habilitation.profileForUser(client.cu);
    if (toolProfile === null) throw new FhirError(403, 'forbidden', `The finalité ${client.cu} of this client is mapped to no read profile`);

    let profile = toolProfile;
    if (userCode !== undefined || roleCode !== undefined) {
      if (!userCode) throw new FhirError(403, 'forbidden', 'Ror-Role-Metier-Code requires Ror-Profil-Utilisateur-Code');
      if (userSystem !== undefined && !PROFILE_SYSTEMS.has(userSystem)) {
        throw new FhirError(403, 'forbidden', `Unknown Ror-Profil-Utilisateur-System '${userSystem}'`);
      }
      const userProfile = this.habilitation.profileForUser(userCode, roleCode ? { code: roleCode, system: roleSystem } : undefined);
      if (userProfile === null) throw new FhirError(403, 'forbidden', `The user profile ${userCode}${roleCode ? ` / role ${roleCode}` : ''} is mapped to no read profile`);
      if (!profileIncludes(toolProfile, userProfile)) {
        throw new FhirError(403, 'forbidden', `The user's profile ${userProfile} is not included in this client's profile ${toolProfile}`);
      }
      profile = userProfile;
    }
    return {
      clientId: client.id,
      cu: client.cu,
      profile,
      operator: client.operator,
      write: client.write,
      egs: client.egs,
      userProfileCode: userCode,
      userRoleCode: roleCode,
    };
  }
}
