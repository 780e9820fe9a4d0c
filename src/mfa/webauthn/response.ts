import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';

/*
 * `Proof.credential` is whatever the client posted. These guards check only the shape the
 * TypeScript types promise and copy out the fields verification uses, so SimpleWebAuthn is
 * never handed a non-object; content (encodings, CBOR, signatures) is the library's job, and
 * its throws become `invalid_credential` in the callers.
 */

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(record: Json, key: string): string | null {
  const value = record[key];
  return typeof value === 'string' ? value : null;
}

/** The outer PublicKeyCredential JSON: ids, type and the inner response object. */
function envelope(value: unknown): { id: string; rawId: string; inner: Json } | null {
  if (!isRecord(value) || value['type'] !== 'public-key') return null;
  const id = text(value, 'id');
  const rawId = text(value, 'rawId');
  const inner = value['response'];
  if (id === null || rawId === null || !isRecord(inner)) return null;
  return { id, rawId, inner };
}

/** A RegistrationResponseJSON (`navigator.credentials.create()` serialised), or null. */
export function asRegistrationResponse(value: unknown): RegistrationResponseJSON | null {
  const outer = envelope(value);
  if (!outer) return null;
  const clientDataJSON = text(outer.inner, 'clientDataJSON');
  const attestationObject = text(outer.inner, 'attestationObject');
  if (clientDataJSON === null || attestationObject === null) return null;
  const transports = outer.inner['transports'];
  return {
    id: outer.id,
    rawId: outer.rawId,
    type: 'public-key',
    response: {
      clientDataJSON,
      attestationObject,
      ...(Array.isArray(transports) ? { transports: transports.filter((t) => typeof t === 'string') } : {}),
    },
    clientExtensionResults: {},
  };
}

/** An AuthenticationResponseJSON (`navigator.credentials.get()` serialised), or null. */
export function asAuthenticationResponse(value: unknown): AuthenticationResponseJSON | null {
  const outer = envelope(value);
  if (!outer) return null;
  const clientDataJSON = text(outer.inner, 'clientDataJSON');
  const authenticatorData = text(outer.inner, 'authenticatorData');
  const signature = text(outer.inner, 'signature');
  if (clientDataJSON === null || authenticatorData === null || signature === null) return null;
  return {
    id: outer.id,
    rawId: outer.rawId,
    type: 'public-key',
    response: { clientDataJSON, authenticatorData, signature },
    clientExtensionResults: {},
  };
}
