/**
 * Bytes kept of each keyed hash: 48 bits, 8 base64url characters. A profile holds at most 32
 * values per feature (`familiarity.maxValuesPerFeature`, default 8), so the chance that a value
 * the user never showed matches one of theirs by accident is ≤ 32 / 2^48 ≈ 1.1 × 10⁻¹³ per
 * feature and login (≈ 3 × 10⁻¹⁴ at the default), and without the secret an attacker cannot aim
 * for one. Short keys keep a typical profile far under 1 KB.
 */
export const FEATURE_KEY_BYTES = 6;

/*
 * A keyed hash is 6 bytes, 8 base64url characters (no padding): every 8 such characters are
 * exactly 6 bytes and back. Converted here rather than by Buffer's base64url codec, which costs
 * a call into C++ and a string for each of a profile's ~30 keys, and lets through characters
 * outside the alphabet that then decode to another key.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** 6 bits → its character's code. */
const CODE = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
/** Character code → its 6 bits, or -1 outside the alphabet. */
const SEXTET = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) SEXTET[CODE[i]!] = i;
const KEY_CHARS = (FEATURE_KEY_BYTES * 4) / 3;

/** Write the 6 bytes of `key` at `at`; false (nothing written) if it is not 8 base64url characters. */
export function writeKey(key: string, out: Buffer, at: number): boolean {
  if (key.length !== KEY_CHARS) return false;
  for (let c = 0, o = at; c < KEY_CHARS; c += 4, o += 3) {
    const a = sextet(key, c);
    const b = sextet(key, c + 1);
    const d = sextet(key, c + 2);
    const e = sextet(key, c + 3);
    if ((a | b | d | e) < 0) return false;
    const bits = (a << 18) | (b << 12) | (d << 6) | e;
    out[o] = bits >>> 16;
    out[o + 1] = (bits >>> 8) & 0xff;
    out[o + 2] = bits & 0xff;
  }
  return true;
}

function sextet(key: string, i: number): number {
  const code = key.charCodeAt(i);
  return code < 128 ? SEXTET[code]! : -1;
}

/** The key stored at `at` (6 bytes), as its 8 base64url characters. */
export function readKey(buf: Uint8Array, at: number): string {
  const hi = (buf[at]! << 16) | (buf[at + 1]! << 8) | buf[at + 2]!;
  const lo = (buf[at + 3]! << 16) | (buf[at + 4]! << 8) | buf[at + 5]!;
  return String.fromCharCode(
    CODE[hi >>> 18]!,
    CODE[(hi >>> 12) & 63]!,
    CODE[(hi >>> 6) & 63]!,
    CODE[hi & 63]!,
    CODE[lo >>> 18]!,
    CODE[(lo >>> 12) & 63]!,
    CODE[(lo >>> 6) & 63]!,
    CODE[lo & 63]!,
  );
}
