import { decodeProfile, encodeProfile } from '../../risk/familiarity/profile-codec.js';
import { EMPTY_PROFILE, type FamiliarityProfile } from '../../risk/familiarity/profile.js';
import type { Place } from '../../risk/familiarity/places.js';

/** What the user's familiarity string holds. */
export interface Familiarity {
  profile: FamiliarityProfile;
  places: readonly Place[];
}

export const NO_FAMILIARITY: Familiarity = Object.freeze({ profile: EMPTY_PROFILE, places: Object.freeze([]) });

/** Bytes of one place: lat and lon in tenths of a degree (int16), accuracy km (uint16, 0xffff none), count (uint8), day (uint16). */
const PLACE_BYTES = 9;
const NO_ACCURACY = 0xffff;

/**
 * The user's familiarity as text (docs/risk-model.md §7): base64 of one binary value — the
 * profile's length (uint16 LE), the profile (`encodeProfile`), then the places, a count byte and
 * 9 bytes each. A typical user's is ~200 bytes, ~270 characters. Text rather than bytes: ioredis
 * writes a command with a Buffer argument through a slower path of its own (~15k instructions
 * an assessment under callgrind). The history hash holds it cut into fields
 * ({@link familiarityFields}).
 */
export function encodeFamiliarity(f: Familiarity): string {
  const profile = encodeProfile(f.profile);
  const places = f.places.slice(0, 255);
  const out = Buffer.allocUnsafe(2 + profile.length + 1 + places.length * PLACE_BYTES);
  out.writeUInt16LE(profile.length, 0);
  profile.copy(out, 2);
  let at = 2 + profile.length;
  out[at++] = places.length;
  for (const p of places) {
    at = out.writeInt16LE(Math.round(p.lat * 10), at);
    at = out.writeInt16LE(Math.round(p.lon * 10), at);
    at = out.writeUInt16LE(p.accuracyKm === null ? NO_ACCURACY : Math.min(NO_ACCURACY - 1, Math.round(p.accuracyKm)), at);
    out[at++] = Math.min(255, p.count);
    at = out.writeUInt16LE(p.lastSeenDay, at);
  }
  return out.toString('base64');
}

/**
 * Characters of each familiarity field: Redis keeps a hash whose values are all at most 64
 * bytes (`hash-max-listpack-value`) as one compact listpack; a longer value would turn every
 * user's hash into a hash table, about 1.6 times its size.
 */
const FIELD_CHARS = 64;

/** Whether a history hash field is one of the familiarity's (`f0`, `f1`, …); its index, or -1. */
export function familiarityFieldIndex(field: string): number {
  if (field.charCodeAt(0) !== 0x66 /* f */ || field.length < 2 || field.length > 4) return -1;
  const i = Number(field.slice(1));
  return Number.isInteger(i) && i >= 0 && String(i) === field.slice(1) ? i : -1;
}

/**
 * The HSET field/value pairs of the familiarity text: `f0`, `f1`, … with 64 characters each,
 * then one empty field that ends it. A shorter familiarity than the last written leaves that
 * one's later fields behind the empty one, unread (the commit script's trim removes them).
 */
export function familiarityFields(text: string): string[] {
  const pairs: string[] = [];
  let i = 0;
  for (let at = 0; at < text.length; at += FIELD_CHARS, i++) pairs.push(`f${i}`, text.slice(at, at + FIELD_CHARS));
  pairs.push(`f${i}`, '');
  return pairs;
}

/** The familiarity text from its fields by index: `f0` on, up to the first empty or missing one; null without `f0`. */
export function joinFamiliarity(parts: readonly (string | undefined)[]): string | null {
  let text = '';
  for (const part of parts) {
    if (!part) break;
    text += part;
  }
  return text === '' ? null : text;
}

/**
 * The familiarity {@link encodeFamiliarity} wrote; none (null) or a damaged value reads as empty:
 * the user starts over, and the cold start decides their next login (docs/risk-model.md,
 * "Cold start").
 */
export function decodeFamiliarity(text: string | null): Familiarity {
  const buf = text === null ? null : Buffer.from(text, 'base64');
  if (buf === null || buf.length < 3) return NO_FAMILIARITY;
  try {
    const n = buf.readUInt16LE(0);
    const profile = decodeProfile(buf.subarray(2, 2 + n));
    let at = 2 + n;
    const count = buf[at++]!;
    if (buf.length !== at + count * PLACE_BYTES) return { profile, places: [] };
    const places: Place[] = [];
    for (let i = 0; i < count; i++, at += PLACE_BYTES) {
      const acc = buf.readUInt16LE(at + 4);
      places.push({
        lat: buf.readInt16LE(at) / 10,
        lon: buf.readInt16LE(at + 2) / 10,
        accuracyKm: acc === NO_ACCURACY ? null : acc,
        count: buf[at + 6]!,
        lastSeenDay: buf.readUInt16LE(at + 7),
      });
    }
    return { profile, places };
  } catch {
    return NO_FAMILIARITY;
  }
}
