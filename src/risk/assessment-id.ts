import { hash, randomFillSync, randomUUID, timingSafeEqual } from 'node:crypto';
import { ASSESSMENT_TTL_SEC } from '../stores/pending/pending-assessments.js';

/**
 * Assessment ids. An assessment that may still be committed later (`commit: false`, a
 * challenge, a deny) is stored for 10 minutes under a random v4 UUID. One committed at once —
 * most of them — is not stored at all: its id is a v8 UUID (RFC 9562 §5.8) that proves itself.
 * `/complete` needs to tell its client "already committed" (409) and everyone else "not found"
 * (404) for 10 minutes; the id carries exactly that:
 *
 * - bytes 0–5: creation time, Unix ms (as in v7, so ids sort by time);
 * - byte 6 high nibble: version 8; byte 8 top bits: variant `10`; 34 more bits random;
 * - bytes 11–15: 40 bits of SHA-256 over the secret, a domain tag, the client id and bytes 0–10.
 *
 * Another client's id, or a made-up one, fails the check and reads as not found, as a stored
 * record of another client does. This saves a Redis write and ~160 bytes of Redis memory per
 * committed assessment for its 10 minutes. 40 bits are ample: a forged id buys only a 409.
 *
 * An assessment made without Redis (its history could not be loaded) is neither committed nor
 * stored; its id has the same layout with a MAC under another domain tag, so `/complete` can say
 * it cannot be completed instead of "not found" (docs/operations.md, "11. A fail-closed challenge
 * could not be completed").
 */

/** How long an assessment can be completed, stored or not. */
export const ASSESSMENT_TTL_MS = ASSESSMENT_TTL_SEC * 1000;
/** Clock difference between instances tolerated for ids dated in the future. */
const SKEW_MS = 60_000;
const MAC_BYTES = 5;
const BODY_BYTES = 16 - MAC_BYTES;

/** A fresh id for an assessment whose record is stored. */
export function storedAssessmentId(): string {
  return randomUUID();
}

/** The id of an assessment committed at once by `clientId` at `nowMs`: a receipt, nothing stored. */
export function committedAssessmentId(secret: string, clientId: string, nowMs: number): string {
  return receipt(COMMITTED, secret, clientId, nowMs);
}

/** The id of an assessment `clientId` got at `nowMs` while Redis was away: nothing was stored or committed. */
export function unsavedAssessmentId(secret: string, clientId: string, nowMs: number): string {
  return receipt(UNSAVED, secret, clientId, nowMs);
}

/** MAC domain tags of the two kinds of receipt. */
const COMMITTED = 'vigil-assessment-id';
const UNSAVED = 'vigil-assessment-unsaved';

function receipt(tag: string, secret: string, clientId: string, nowMs: number): string {
  const b = randomBytes16();
  b.writeUIntBE(nowMs, 0, 6);
  b[6] = 0x80 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  const body = b.toString('hex', 0, BODY_BYTES);
  return formatUuid(body + hash('sha256', macInput(tag, secret, clientId, body), 'hex').slice(0, 2 * MAC_BYTES));
}

/**
 * What an id presented by `clientId` at `nowMs` stands for: `stored` (look it up), `committed`
 * (a valid receipt of this client, within its 10 minutes), `unsaved` (a valid id of this client's
 * assessment made without Redis, within its 10 minutes), or `unknown` (answer not found).
 */
export function classifyAssessmentId(
  secret: string,
  id: string,
  clientId: string,
  nowMs: number,
): 'stored' | 'committed' | 'unsaved' | 'unknown' {
  const b = Buffer.from(id.replaceAll('-', ''), 'hex');
  if (b.length !== 16) return 'unknown';
  if (b[6]! >> 4 !== 8) return 'stored';
  const at = b.readUIntBE(0, 6);
  if (at > nowMs + SKEW_MS || nowMs - at > ASSESSMENT_TTL_MS) return 'unknown';
  const body = b.toString('hex', 0, BODY_BYTES);
  const given = b.subarray(BODY_BYTES);
  const macOf = (tag: string) => hash('sha256', macInput(tag, secret, clientId, body), 'buffer').subarray(0, MAC_BYTES);
  if (timingSafeEqual(macOf(COMMITTED), given)) return 'committed';
  return timingSafeEqual(macOf(UNSAVED), given) ? 'unsaved' : 'unknown';
}

// Random bytes drawn from a pool filled 256 ids at a time, as randomUUID does: a
// randomBytes(16) call per id was ~4% of an assessment's CPU under load.
// Each 16 bytes are handed out once, as a view of the pool.
const pool = Buffer.alloc(16 * 256);
let poolOffset = pool.length;
function randomBytes16(): Buffer {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += 16;
  return pool.subarray(poolOffset - 16, poolOffset);
}

/** What the id's MAC is the hash of: a keyed prefix over fixed-length data, as in accountHash. */
function macInput(tag: string, secret: string, clientId: string, bodyHex: string): string {
  return `${secret}\u0000${tag}\u0000${clientId}\u0000${bodyHex}`;
}

function formatUuid(h: string): string {
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
