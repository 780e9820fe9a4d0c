import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for factor secrets at rest, with a key id in every sealed value so keys can
 * rotate: the first key seals, every listed key opens. Format: `v1.<kid>.<iv>.<ciphertext+tag>`
 * (base64url parts); the associated data binds the value to its purpose (e.g. the user id).
 */
export interface SecretBox {
  seal(plaintext: string, aad: string): string;
  open(sealed: string, aad: string): string;
}

export interface SealingKey {
  kid: string;
  /** 32 bytes. */
  key: Buffer;
}

const IV_BYTES = 12; // NIST SP 800-38D: 96-bit IVs for GCM
const TAG_BYTES = 16;

export function createSecretBox(keys: readonly SealingKey[]): SecretBox {
  const [active] = keys;
  if (!active) throw new Error('at least one encryption key is required');
  for (const k of keys) {
    if (k.key.length !== 32) throw new Error(`encryption key "${k.kid}" must be 32 bytes`);
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(k.kid)) throw new Error(`encryption key id "${k.kid}" must be 1-32 of [A-Za-z0-9_-]`);
  }
  const byKid = new Map(keys.map((k) => [k.kid, k.key]));
  return {
    seal(plaintext, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', active.key, iv);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `v1.${active.kid}.${iv.toString('base64url')}.${ct.toString('base64url')}`;
    },
    open(sealed, aad) {
      const [v, kid, ivText, ctText] = sealed.split('.');
      if (v !== 'v1' || !kid || !ivText || !ctText) throw new Error('not a sealed value');
      const key = byKid.get(kid);
      if (!key) throw new Error(`no encryption key with id "${kid}" (was it removed before re-sealing?)`);
      const ct = Buffer.from(ctText, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText, 'base64url'));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(ct.subarray(ct.length - TAG_BYTES));
      return Buffer.concat([decipher.update(ct.subarray(0, ct.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}

/** Parse `kid:base64key,kid2:base64key` (the first seals). */
export function parseSealingKeys(text: string): SealingKey[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const i = part.indexOf(':');
      if (i <= 0) throw new Error('each key is "<kid>:<base64 of 32 bytes>"');
      return { kid: part.slice(0, i), key: Buffer.from(part.slice(i + 1), 'base64') };
    });
}
