import { startHttpClientSpan } from '@tracing-demo/telemetry';
import { createRemoteJWKSet, customFetch, errors, type FetchImplementation, jwtVerify } from 'jose';
import { envString, envUrl } from './env.js';
import { HttpError } from './errors.js';

export interface TokenVerifierOptions {
  /** auth-service's JWKS document, e.g. http://auth-service:3001/.well-known/jwks.json */
  jwksUrl: string;
  issuer: string;
  audience: string;
}

/** JWT_ISSUER and JWT_AUDIENCE: what auth-service signs and every verifier demands. */
export function jwtClaimsFromEnv(env: NodeJS.ProcessEnv): { issuer: string; audience: string } {
  return {
    issuer: envString(env, 'JWT_ISSUER', 'tracing-demo-auth'),
    audience: envString(env, 'JWT_AUDIENCE', 'tracing-demo'),
  };
}

/** Where to fetch auth-service's keys (AUTH_SERVICE_URL) and which claims to demand. */
export function tokenVerifierOptionsFromEnv(
  env: NodeJS.ProcessEnv,
): TokenVerifierOptions & { authServiceUrl: string } {
  const authServiceUrl = envUrl(env, 'AUTH_SERVICE_URL', 'http://127.0.0.1:3001');
  return {
    authServiceUrl,
    jwksUrl: `${authServiceUrl}/.well-known/jwks.json`,
    ...jwtClaimsFromEnv(env),
  };
}

export interface AuthenticatedUser {
  userId: string;
}

export interface TokenVerifier {
  verify(token: string): Promise<AuthenticatedUser>;
  /** Throws when the signing keys cannot be fetched (readiness). */
  checkKeys(): Promise<void>;
}

const unauthorized = (message: string) =>
  new HttpError(401, message, { 'www-authenticate': 'Bearer error="invalid_token"' });

const CLAIM_NAMES: Record<string, string> = {
  aud: 'audience',
  iss: 'issuer',
  sub: 'subject',
  iat: 'issue time',
  nbf: 'not-before time',
};

/** Turns jose's failure into a 401 that says what is wrong with the token, or a 503 when the
 * token could not be checked at all (keys unreachable): that is our fault, not the caller's. */
function toHttpError(error: unknown): HttpError {
  if (error instanceof errors.JWTExpired) return unauthorized('token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    const claim = CLAIM_NAMES[error.claim] ?? `claim '${error.claim}'`;
    return unauthorized(`token ${claim} is not accepted`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return unauthorized('token algorithm is not allowed (expected EdDSA)');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return unauthorized('token signature is invalid');
  }
  if (
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return unauthorized('token was not signed by a known key');
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return new HttpError(503, 'cannot verify tokens right now: signing keys are unavailable');
  }
  if (error instanceof errors.JOSEError) return unauthorized('token is malformed');
  return new HttpError(503, 'cannot verify tokens right now: signing keys are unavailable');
}

/**
 * Verifies EdDSA-signed JWTs against auth-service's published keys. Keys are cached (jose
 * refetches at most every 30 s when an unknown kid shows up) so verification is local and fast.
 * Pinning the algorithm list is what defeats `alg: none` and HS256-with-the-public-key tricks.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const keys = createRemoteJWKSet(new URL(options.jwksUrl), {
    timeoutDuration: 2_000,
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
    [customFetch]: fetchKeys,
  });
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, keys, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ['EdDSA'],
          requiredClaims: ['sub', 'exp', 'iat'],
        });
        return { userId: String(payload.sub) };
      } catch (error) {
        throw toHttpError(error);
      }
    },
    async checkKeys() {
      if (keys.fresh) return;
      await keys.reload();
    },
  };
}

// The scheme is case-insensitive (RFC 9110); the token is three base64url parts.
const BEARER = /^[Bb][Ee][Aa][Rr][Ee][Rr] +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/;

/** Extracts the token from `Authorization: Bearer <jwt>` or says what is wrong with the header. */
export function bearerToken(header: string | undefined): string {
  if (!header) throw unauthorized('missing Authorization header (expected "Bearer <token>")');
  const match = BEARER.exec(header.trim());
  if (!match?.[1]) throw unauthorized('Authorization header must be "Bearer <JWT>"');
  return match[1];
}

/**
 * jose's fetch of the keys, in a CLIENT span whose context goes along: the fetch happens inside
 * the request whose token needs them, and auth-service's SERVER span for it joins that trace.
 */
const fetchKeys: FetchImplementation = async (url, options) => {
  const carrier: Record<string, string> = {};
  const hop = startHttpClientSpan(options.method, url, carrier);
  for (const [name, value] of Object.entries(carrier)) options.headers.set(name, value);
  try {
    const response = await fetch(url, options);
    hop.answered(response.status);
    return response;
  } catch (error) {
    hop.failed(error);
    throw error;
  }
};
