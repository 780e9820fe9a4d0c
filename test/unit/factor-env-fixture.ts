import { createSecretBox } from '../../src/mfa/crypto/secret-box.js';
import { hashCode } from '../../src/mfa/crypto/codes.js';
import type { FactorEnv } from '../../src/mfa/types.js';

const box = createSecretBox([{ kid: 'test', key: Buffer.alloc(32, 7) }]);
const hashSecret = 'h'.repeat(32);

/**
 * A FactorEnv as the service builds it, with real sealing and keyed hashing, so factor tests
 * exercise the same crypto the service uses. Override `nowMs` (fake clock) and the rest per test.
 */
export function factorEnv(overrides: Partial<FactorEnv> = {}): FactorEnv {
  const userId = overrides.userId ?? 'u-1';
  return {
    nowMs: 1_700_000_000_000,
    userId,
    email: 'ada@example.com',
    seal: (plaintext) => box.seal(plaintext, `mfa:${userId}`),
    open: (sealed) => box.open(sealed, `mfa:${userId}`),
    hash: (code, purpose) => hashCode(hashSecret, `${userId}\u0000${purpose}`, code),
    issuer: 'Vigil Test',
    webauthn: { rpId: 'localhost', rpName: 'Vigil Test', origins: ['http://localhost'] },
    ...overrides,
  };
}
