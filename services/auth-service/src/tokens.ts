import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import type { AuthConfig } from './config.js';

export interface TokenIssuer {
  sign(userId: string): Promise<{ token: string; expiresIn: number }>;
  verify(token: string): Promise<{ sub: string; exp: number }>;
  jwks: { keys: JWK[] };
  /** True when the key was generated at start-up: tokens die with the process. */
  ephemeral: boolean;
}

export async function createTokenIssuer(config: AuthConfig): Promise<TokenIssuer> {
  const ephemeral = config.signingKey === undefined;
  const key = config.signingKey ?? generateKeyPairSync('ed25519').privateKey;
  const publicKey = createPublicKey(key);
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    ephemeral,
    jwks: { keys: [{ ...publicJwk, kid, alg: 'EdDSA', use: 'sig' }] },
    async sign(userId) {
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(config.issuer)
        .setAudience(config.audience)
        .setIssuedAt()
        .setExpirationTime(`${config.tokenTtlSeconds}s`)
        .sign(key);
      return { token, expiresIn: config.tokenTtlSeconds };
    },
    async verify(token) {
      const { payload } = await jwtVerify(token, publicKey, {
        issuer: config.issuer,
        audience: config.audience,
        algorithms: ['EdDSA'],
        requiredClaims: ['sub', 'exp'],
      });
      return { sub: String(payload.sub), exp: Number(payload.exp) };
    },
  };
}
