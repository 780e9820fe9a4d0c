/**
 * A software WebAuthn authenticator for tests: a P-256 key made with node:crypto, answering
 * creation and request options with real RegistrationResponseJSON / AuthenticationResponseJSON
 * (attestation `none`), byte for byte as WebAuthn L3 §6.1 and §6.5 lay them out. Overrides let
 * a test play a phishing origin, a wrong RP, an old challenge or a cloned key's counter.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

/** The CBOR subset WebAuthn needs here: integers, byte and text strings, maps. */
export type Cbor = number | string | Uint8Array | Map<number | string, Cbor>;

/** RFC 8949 §3.1 head: major type in the top 3 bits, the argument in the shortest form. */
function head(major: number, argument: number): Buffer {
  if (argument < 24) return Buffer.from([(major << 5) | argument]);
  if (argument < 0x100) return Buffer.from([(major << 5) | 24, argument]);
  if (argument < 0x10000) {
    const b = Buffer.alloc(3);
    b[0] = (major << 5) | 25;
    b.writeUInt16BE(argument, 1);
    return b;
  }
  if (argument <= 0xffffffff) {
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(argument, 1);
    return b;
  }
  throw new Error(`cbor: ${argument} does not fit 32 bits`);
}

/** Minimal CBOR encoder (RFC 8949) for COSE keys and attestation objects. */
export function cborEncode(value: Cbor): Buffer {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`cbor: ${value} is not an integer`);
    // Major 1 carries -1 - n, so -1 encodes as 0x20 and -7 as 0x26.
    return value >= 0 ? head(0, value) : head(1, -1 - value);
  }
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  const parts: Buffer[] = [head(5, value.size)];
  for (const [k, v] of value) parts.push(cborEncode(k), cborEncode(v));
  return Buffer.concat(parts);
}

// Authenticator data flags, WebAuthn §6.1.
export const FLAG_UP = 0x01;
export const FLAG_UV = 0x04;
export const FLAG_AT = 0x40;

const sha256 = (data: Uint8Array | string): Buffer => createHash('sha256').update(data).digest();
const b64url = (data: Uint8Array): string => Buffer.from(data).toString('base64url');

export interface CeremonyOverrides {
  /** The page origin the browser reports in clientDataJSON. */
  origin: string;
  /** Hash this RP ID into authenticator data instead of the one in the options. */
  rpId?: string;
  /** Sign over this challenge instead of the one in the options. */
  challenge?: string;
  /** Authenticator data flags (registration default UP|UV|AT, assertion default UP|UV). */
  flags?: number;
  /** For an assertion: report this counter instead of incrementing the authenticator's own. */
  signCount?: number;
}

export class SoftAuthenticator {
  /** The credential id, base64url. */
  readonly credentialId: string;
  readonly #rawId: Buffer;
  readonly #privateKey: KeyObject;
  readonly #cosePublicKey: Buffer;
  #signCount: number;

  constructor(init: { signCount?: number; from?: SoftAuthenticator } = {}) {
    if (init.from) {
      this.#rawId = init.from.#rawId;
      this.#privateKey = init.from.#privateKey;
      this.#cosePublicKey = init.from.#cosePublicKey;
      this.#signCount = init.from.#signCount;
    } else {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = publicKey.export({ format: 'jwk' });
      if (!jwk.x || !jwk.y) throw new Error('P-256 public key without coordinates');
      this.#rawId = randomBytes(32);
      this.#privateKey = privateKey;
      // COSE_Key, RFC 9053 §7.1.1: kty EC2 (1: 2), alg ES256 (3: -7), crv P-256 (-1: 1), x (-2), y (-3).
      this.#cosePublicKey = cborEncode(
        new Map<number, Cbor>([
          [1, 2],
          [3, -7],
          [-1, 1],
          [-2, Buffer.from(jwk.x, 'base64url')],
          [-3, Buffer.from(jwk.y, 'base64url')],
        ]),
      );
      this.#signCount = init.signCount ?? 0;
    }
    this.credentialId = b64url(this.#rawId);
  }

  /** Its COSE public key, base64url, as a server should store it. */
  get publicKey(): string {
    return b64url(this.#cosePublicKey);
  }

  get signCount(): number {
    return this.#signCount;
  }

  /** The same key and counter in a second device: what cloning a security key produces. */
  clone(): SoftAuthenticator {
    return new SoftAuthenticator({ from: this });
  }

  #authData(rpId: string, flags: number, signCount: number, attested: Buffer | null): Buffer {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(signCount);
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), counter, attested ?? Buffer.alloc(0)]);
  }

  /** Answer `navigator.credentials.create()`. Refuses, as an authenticator must, when excluded. */
  register(options: PublicKeyCredentialCreationOptionsJSON, o: CeremonyOverrides): RegistrationResponseJSON {
    if (options.excludeCredentials?.some((c) => c.id === this.credentialId)) {
      throw new Error('InvalidStateError: credential already registered with this relying party');
    }
    const rpId = o.rpId ?? options.rp.id;
    if (!rpId) throw new Error('creation options without rp.id');
    const clientDataJSON = Buffer.from(
      JSON.stringify({ type: 'webauthn.create', challenge: o.challenge ?? options.challenge, origin: o.origin, crossOrigin: false }),
    );
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(this.#rawId.length);
    // Attested credential data, §6.5.1: AAGUID (zeros: no attestation) || L || credentialId || COSE key.
    const attested = Buffer.concat([Buffer.alloc(16), idLength, this.#rawId, this.#cosePublicKey]);
    const authData = this.#authData(rpId, o.flags ?? FLAG_UP | FLAG_UV | FLAG_AT, this.#signCount, attested);
    const attestationObject = cborEncode(
      new Map<string, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(attestationObject),
        transports: ['usb'],
      },
      clientExtensionResults: {},
    };
  }

  /** Answer `navigator.credentials.get()`: counter up by one, ECDSA over authData || SHA-256(clientData). */
  authenticate(options: PublicKeyCredentialRequestOptionsJSON, o: CeremonyOverrides): AuthenticationResponseJSON {
    if (options.allowCredentials && !options.allowCredentials.some((c) => c.id === this.credentialId)) {
      throw new Error('NotAllowedError: no allowed credential on this authenticator');
    }
    const rpId = o.rpId ?? options.rpId;
    if (!rpId) throw new Error('request options without rpId');
    const signCount = o.signCount ?? ++this.#signCount;
    const clientDataJSON = Buffer.from(
      JSON.stringify({ type: 'webauthn.get', challenge: o.challenge ?? options.challenge, origin: o.origin, crossOrigin: false }),
    );
    const authData = this.#authData(rpId, o.flags ?? FLAG_UP | FLAG_UV, signCount, null);
    // §6.3.3 step 11; node signs ECDSA as DER by default, the encoding WebAuthn uses (§6.5.5).
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), this.#privateKey);
    return {
      id: this.credentialId,
      rawId: this.credentialId,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
      },
      clientExtensionResults: {},
    };
  }
}
