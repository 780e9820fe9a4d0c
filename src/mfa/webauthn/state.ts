import type { CredentialDeviceType } from '@simplewebauthn/server';
import type { FactorState } from '../types.js';

/**
 * What Vigil keeps for a confirmed WebAuthn credential. Nothing in it is secret (a public key
 * and metadata), so nothing is sealed. Binary values are base64url without padding, as
 * SimpleWebAuthn produces them.
 */
export interface WebAuthnState {
  credentialId: string;
  /** COSE_Key (RFC 9052 §7) of the credential, base64url. */
  publicKey: string;
  /** The last signature counter seen (WebAuthn §6.1.1); 0 for authenticators that keep none. */
  counter: number;
  /** Transport hints the browser reported at registration, passed back in `allowCredentials`. */
  transports: string[];
  /** `multiDevice` for synced passkeys (BE flag); fixed at creation. */
  deviceType: CredentialDeviceType;
  /** Whether the credential is currently backed up (BS flag); may change over time. */
  backedUp: boolean;
  /** Authenticator model id; all zeros when the authenticator does not say (attestation `none`). */
  aaguid: string;
}

/** WebAuthn L3 §5.8.4 transports; anything else a client sends is dropped, not stored. */
const KNOWN_TRANSPORTS = new Set(['usb', 'nfc', 'ble', 'smart-card', 'hybrid', 'internal', 'cable']);

/** Keep only known transport names, once each, from what a client reported. */
export function cleanTransports(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return [...new Set(value.filter((t): t is string => typeof t === 'string' && KNOWN_TRANSPORTS.has(t)))];
}

export function toFactorState(state: WebAuthnState): FactorState {
  return { ...state };
}

/**
 * The credential in a stored state, or null for a state that holds none (an enrollment not yet
 * confirmed is `{}`).
 */
export function credentialOf(state: FactorState): WebAuthnState | null {
  const { credentialId, publicKey, counter, transports, deviceType, backedUp, aaguid } = state;
  if (typeof credentialId !== 'string' || credentialId === '') return null;
  if (typeof publicKey !== 'string' || publicKey === '') return null;
  if (typeof counter !== 'number' || !Number.isSafeInteger(counter) || counter < 0) return null;
  return {
    credentialId,
    publicKey,
    counter,
    transports: cleanTransports(transports),
    deviceType: deviceType === 'multiDevice' ? 'multiDevice' : 'singleDevice',
    backedUp: backedUp === true,
    aaguid: typeof aaguid === 'string' ? aaguid : '',
  };
}

/**
 * The credential of an active authenticator. A state without one is corrupt data, not a user's
 * mistake, so it throws rather than becoming a `Verified` reason.
 */
export function requireCredential(state: FactorState): WebAuthnState {
  const credential = credentialOf(state);
  if (!credential) throw new Error('webauthn: authenticator state holds no confirmed credential');
  return credential;
}
