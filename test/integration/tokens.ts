import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, SignJWT } from 'jose';

/** Forges the tokens an attacker or a broken client would send, from the real signing key. */
export async function tokenForger(signingKeyPem: string) {
  const key = createPrivateKey(signingKeyPem);
  const publicKey = createPublicKey(key);
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);

  const sign = (claims: Record<string, unknown>, signingKey: KeyObject = key, keyId = kid) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', kid: keyId })
      .setSubject(String(claims.sub ?? 'some-user'))
      .setIssuer(String(claims.iss ?? 'tracing-demo-auth'))
      .setAudience(String(claims.aud ?? 'tracing-demo'))
      .setIssuedAt(Number(claims.iat ?? now))
      .setExpirationTime(Number(claims.exp ?? now + 600))
      .sign(signingKey);

  return {
    expired: () => sign({ iat: now - 3600, exp: now - 1800 }),
    wrongAudience: () => sign({ aud: 'some-other-api' }),
    wrongIssuer: () => sign({ iss: 'https://evil.example' }),
    otherKey: () => sign({}, generateKeyPairSync('ed25519').privateKey, 'unknown-key'),
    /** A valid token whose payload was edited afterwards (claims a different user). */
    async tampered() {
      const [header, , signature] = (await sign({})).split('.');
      return `${header}.${b64({ sub: 'admin', iss: 'tracing-demo-auth', aud: 'tracing-demo', iat: now, exp: now + 600 })}.${signature}`;
    },
    /** The classic `alg: none` token: no signature at all. */
    algNone: () =>
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'admin', iss: 'tracing-demo-auth', aud: 'tracing-demo', iat: now, exp: now + 600 })}.`,
    /** The classic key-confusion attack: HMAC-signed with the public key as the secret. */
    hs256WithPublicKey: () =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', kid })
        .setSubject('admin')
        .setIssuer('tracing-demo-auth')
        .setAudience('tracing-demo')
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(
          new TextEncoder().encode(publicKey.export({ format: 'pem', type: 'spki' }).toString()),
        ),
  };
}
