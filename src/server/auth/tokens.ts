// Bearer tokens: short-lived JWTs issued by this server (client_credentials) or by an external issuer
// (JWKS URL, e.g. Keycloak). Verified claims are cached for the token's lifetime so that the per-request
// cost of authentication is a map lookup.

import { createRemoteJWKSet, jwtVerify, SignJWT, errors as joseErrors, type JWTPayload } from 'jose';
import { FhirError } from '../../fhir/errors.js';

export interface TokenClaims {
  clientId: string;
  /** Expiry, epoch ms. */
  expiresAt: number;
}

export interface TokenConfig {
  /** HMAC key of the tokens this server issues. */
  secret: Uint8Array;
  /** Lifetime of issued tokens, seconds. */
  lifetime: number;
  issuer: string;
  /** External identity provider: tokens are verified against its JWKS instead. */
  jwksUrl?: string;
  externalIssuer?: string;
  audience?: string;
}

const CACHE_LIMIT = 10_000;

const unauthorized = (diagnostics: string) =>
  new FhirError(401, 'login', diagnostics, undefined, { 'www-authenticate': 'Bearer realm="ror"' });

export class TokenService {
  private readonly cache = new Map<string, TokenClaims>();
  private readonly jwks?: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly config: TokenConfig) {
    if (config.jwksUrl) this.jwks = createRemoteJWKSet(new URL(config.jwksUrl));
  }

  get external(): boolean {
    return this.jwks !== undefined;
  }

  async issue(clientId: string): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number }> {
    if (this.jwks) throw new FhirError(400, 'not-supported', 'Tokens are issued by the external identity provider');
    const token = await new SignJWT({ client_id: clientId })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(this.config.issuer)
      .setSubject(clientId)
      .setIssuedAt()
      .setJti(crypto.randomUUID())
      .setExpirationTime(`${this.config.lifetime}s`)
      .sign(this.config.secret);
    return { access_token: token, token_type: 'Bearer', expires_in: this.config.lifetime };
  }

  /** The claims of a bearer token from an Authorization header; 401 OperationOutcome otherwise. */
  async verify(header: string | undefined): Promise<TokenClaims> {
    if (!header) throw unauthorized('Missing bearer token (Authorization: Bearer …)');
    const m = /^Bearer\s+([A-Za-z0-9\-_.]+)$/i.exec(header);
    if (!m) throw unauthorized('Malformed Authorization header: expected "Bearer <token>"');
    const token = m[1];
    const cached = this.cache.get(token);
    if (cached) {
      if (cached.expiresAt > Date.now()) return cached;
      this.cache.delete(token);
      throw unauthorized('The access token has expired');
    }
    let payload: JWTPayload;
    try {
      payload = this.jwks
        ? (await jwtVerify(token, this.jwks, { issuer: this.config.externalIssuer, audience: this.config.audience })).payload
        : (await jwtVerify(token, this.config.secret, { issuer: this.config.issuer, algorithms: ['HS256'] })).payload;
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw unauthorized('The access token has expired');
      throw unauthorized('Invalid access token');
    }
    const clientId = (payload.client_id ?? payload.azp ?? payload.sub) as string | undefined;
    if (!clientId || !payload.exp) throw unauthorized('The access token names no client or has no expiry');
    const claims = { clientId, expiresAt: payload.exp * 1000 };
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(token, claims);
    return claims;
  }
}
