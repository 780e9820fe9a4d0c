import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { SignJWT, exportJWK, generateKeyPair, importPKCS8, type JWK, type CryptoKey } from 'jose';
import { ConfigError } from '../config.js';

/** Result tokens live this long (issue: 5-minute expiry). */
export const RESULT_TOKEN_TTL_SEC = 300;

export interface ResultClaims {
  sub: string;
  /** The application the login is for. */
  aud: string;
  /** RFC 8176 methods; `mfa` first when an enrolled factor was proven (src/mfa/assurance.ts). */
  amr: string[];
  acr: string;
  assessment_id: string;
}

/** Signs MFA result tokens (ES256) and publishes the verification keys as a JWKS. */
export interface ResultSigner {
  sign(claims: ResultClaims, nowMs: number): Promise<{ token: string; jti: string; expiresIn: number }>;
  jwks(): { keys: JWK[] };
  /** True when the key was generated for this process (development only). */
  readonly ephemeral: boolean;
}

interface LoadedKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function publicJwkOf(kid: string, privateKey: CryptoKey): Promise<JWK> {
  const jwk = await exportJWK(privateKey);
  // Publish the public half only.
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' } as JWK;
}

/**
 * Load the configured ES256 keys (first signs; all verify, so a new key can be published
 * before it signs and an old one kept until its tokens expired). Without keys, development
 * gets a key for this process; production refuses.
 */
export async function createResultSigner(opts: {
  issuer: string;
  signingKeys: readonly { kid: string; privateKeyPath: string }[];
  env: 'development' | 'production' | 'test';
}): Promise<ResultSigner> {
  let keys: LoadedKey[];
  let ephemeral = false;
  if (opts.signingKeys.length === 0) {
    if (opts.env === 'production') {
      throw new ConfigError(
        'mfa.signingKeys is empty: production needs an ES256 key to sign MFA results. Create one with ' +
          '`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out result-key.pem` and list it as ' +
          '{"kid": "2026-01", "privateKeyPath": "/etc/vigil/result-key.pem"}.',
      );
    }
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = `dev-${randomUUID().slice(0, 8)}`;
    keys = [{ kid, privateKey, publicJwk: await publicJwkOf(kid, privateKey) }];
    ephemeral = true;
  } else {
    keys = await Promise.all(
      opts.signingKeys.map(async ({ kid, privateKeyPath }) => {
        let pem: string;
        try {
          pem = await readFile(privateKeyPath, 'utf8');
        } catch (err) {
          throw new ConfigError(`cannot read signing key "${kid}" at ${privateKeyPath}: ${(err as Error).message}`);
        }
        let privateKey: CryptoKey;
        try {
          privateKey = await importPKCS8(pem, 'ES256', { extractable: true });
        } catch (err) {
          throw new ConfigError(`signing key "${kid}" is not an ES256 (P-256) PKCS#8 PEM key: ${(err as Error).message}`);
        }
        return { kid, privateKey, publicJwk: await publicJwkOf(kid, privateKey) };
      }),
    );
  }
  const [active] = keys as [LoadedKey, ...LoadedKey[]];
  const jwks = { keys: keys.map((k) => k.publicJwk) };
  return {
    ephemeral,
    jwks: () => jwks,
    async sign(claims, nowMs) {
      const jti = randomUUID();
      const iat = Math.floor(nowMs / 1000);
      const token = await new SignJWT({ amr: claims.amr, acr: claims.acr, assessment_id: claims.assessment_id })
        .setProtectedHeader({ alg: 'ES256', kid: active.kid, typ: 'JWT' })
        .setIssuer(opts.issuer)
        .setSubject(claims.sub)
        .setAudience(claims.aud)
        .setJti(jti)
        .setIssuedAt(iat)
        .setExpirationTime(iat + RESULT_TOKEN_TTL_SEC)
        .sign(active.privateKey);
      return { token, jti, expiresIn: RESULT_TOKEN_TTL_SEC };
    },
  };
}
