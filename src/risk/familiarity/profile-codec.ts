import { FEATURE_KEY_BYTES, readKey, writeKey } from './feature-key.js';
import { FEATURES, RAW_FEATURES } from './features.js';
import { MAX_VALUE_COUNT, profileValues, type FamiliarityProfile, type ValueStats } from './profile.js';

/** 2: keys are SipHash-2-4 (`createFeatureHasher`); version 1's SHA-256 keys match nothing and read as no profile. */
const VERSION = 2;
/** Raw values are short codes (`DE`, `mobile`); anything longer is not one. */
const MAX_RAW_BYTES = 32;
/** Day numbers are stored in 16 bits: up to 2149-06-06. */
const MAX_DAY = 0xffff;

/**
 * The profile as one compact binary value, stored in the user's Redis hash (`familiarity-blob.ts`)
 * (`docs/risk-model.md` §7): a version byte, the login count as a LEB128 varint, then per
 * feature in `FEATURES` order a value count byte and each value as its key (6 bytes for a keyed
 * hash, a length byte and UTF-8 for a raw value), its count (1 byte) and its last-seen day
 * (uint16 little-endian). About 9 bytes a value: a user with 20 values takes ~200 bytes.
 * Throws a RangeError for a profile it cannot store (a key of another shape, more than 255
 * values in a feature, a day past 2149): the caller built it wrongly.
 */
export function encodeProfile(profile: FamiliarityProfile): Buffer {
  // Sized first and written in place: this runs on every committed login.
  let size = 1 + varintSize(profile.logins);
  for (const f of FEATURES) {
    const values = profile.values[f];
    if (values.length > 255) throw new RangeError(`encodeProfile: ${values.length} values for ${f}`);
    size += 1;
    if (!RAW_FEATURES.has(f)) size += values.length * (FEATURE_KEY_BYTES + 3);
    else for (const { key } of values) size += 1 + Buffer.byteLength(key, 'utf8') + 3;
  }
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  out[at++] = VERSION;
  let n = profile.logins;
  do {
    const byte = n % 128;
    n = Math.floor(n / 128);
    out[at++] = n > 0 ? byte | 128 : byte;
  } while (n > 0);
  for (const f of FEATURES) {
    const values = profile.values[f];
    out[at++] = values.length;
    const raw = RAW_FEATURES.has(f);
    for (const stats of values) {
      const { key } = stats;
      if (raw) {
        const len = Buffer.byteLength(key, 'utf8');
        if (len === 0 || len > MAX_RAW_BYTES) throw new RangeError(`encodeProfile: raw ${f} value of ${len} bytes`);
        out[at++] = len;
        at += out.write(key, at, len, 'utf8');
      } else {
        if (!writeKey(key, out, at)) throw new RangeError(`encodeProfile: ${f} key is not a ${FEATURE_KEY_BYTES}-byte hash`);
        at += FEATURE_KEY_BYTES;
      }
      if (stats.count < 1 || stats.count > MAX_VALUE_COUNT || stats.lastSeenDay < 0 || stats.lastSeenDay > MAX_DAY) {
        throw new RangeError(`encodeProfile: ${f} value out of range`);
      }
      out[at++] = stats.count;
      out[at++] = stats.lastSeenDay & 0xff;
      out[at++] = stats.lastSeenDay >>> 8;
    }
  }
  return out;
}

/** Bytes of `n` as a LEB128 varint. */
function varintSize(n: number): number {
  let size = 1;
  for (let rest = Math.floor(n / 128); rest > 0; rest = Math.floor(rest / 128)) size++;
  return size;
}

/** The profile {@link encodeProfile} wrote. Throws a RangeError for bytes of another shape. */
export function decodeProfile(buf: Uint8Array): FamiliarityProfile {
  const view = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = 0;
  const byte = (): number => {
    if (at >= buf.length) throw new RangeError('decodeProfile: truncated');
    return buf[at++]!;
  };
  if (byte() !== VERSION) throw new RangeError('decodeProfile: unknown version');
  let logins = 0;
  for (let shift = 1, b = 128; b & 128; shift *= 128) {
    b = byte();
    logins += (b & 127) * shift;
    if (shift > 2 ** 35) throw new RangeError('decodeProfile: login count too long');
  }
  const byFeature: ValueStats[][] = [];
  for (const f of FEATURES) {
    const count = byte();
    const values: ValueStats[] = [];
    const raw = RAW_FEATURES.has(f);
    for (let i = 0; i < count; i++) {
      let key: string;
      if (raw) {
        const len = byte();
        if (len === 0 || len > MAX_RAW_BYTES || at + len > buf.length) throw new RangeError('decodeProfile: bad raw value');
        key = view.toString('utf8', at, at + len);
        at += len;
      } else {
        if (at + FEATURE_KEY_BYTES > buf.length) throw new RangeError('decodeProfile: truncated');
        key = readKey(buf, at);
        at += FEATURE_KEY_BYTES;
      }
      const c = byte();
      const day = byte() | (byte() << 8);
      if (c === 0) throw new RangeError('decodeProfile: zero count');
      values.push({ key, count: c, lastSeenDay: day });
    }
    byFeature.push(values);
  }
  if (at !== buf.length) throw new RangeError('decodeProfile: trailing bytes');
  return { logins, values: profileValues(byFeature) };
}
