import { isIP } from 'node:net';
import { formatIpv4, formatIpv6, parseIpv6 } from '../../intel/lists/address.js';

/** A validated address in canonical text. */
export interface ParsedIp {
  ip: string;
  family: 4 | 6;
}

const words = new Uint32Array(4);

/**
 * Validate and canonicalise an address: trims; rejects zone ids (`fe80::1%eth0`: the zone
 * names an interface on the sender's host, meaningless here); maps IPv4-mapped IPv6
 * (`::ffff:1.2.3.4`, `::ffff:102:304`) to the IPv4 address, as dual-stack sockets report
 * IPv4 clients that way and GeoIP and lists key on the IPv4 form; writes IPv6 in RFC 5952
 * form (lowercase, compressed) so one address has one spelling in history and lists.
 * Returns null for anything that is not an IP address (including `[::1]` and `1.2.3.4:80`).
 */
export function parseIp(raw: string): ParsedIp | null {
  const s = raw.trim();
  if (s.includes('%')) return null;
  const family = isIP(s);
  if (family === 4) return { ip: s, family: 4 };
  if (family !== 6 || !parseIpv6(s, words)) return null;
  if (words[0] === 0 && words[1] === 0 && words[2] === 0xffff) return { ip: formatIpv4(words[3]!), family: 4 };
  return { ip: formatIpv6(words), family: 6 };
}

/** Where the end-user address came from. */
export type IpSource = 'forwarded_for' | 'body' | 'connection';

/** Inputs to {@link resolveClientIp}, straight from the request. */
export interface ClientIpInput {
  /** The `auth0-forwarded-for` header, if sent. */
  forwardedFor: string | undefined;
  /** Whether the calling API client is trusted to set that header (`trustForwardedFor`). */
  trustForwardedFor: boolean;
  /** `ip` from the request body, if sent. */
  bodyIp: string | undefined;
  /** The socket's remote address. */
  connectionIp: string;
}

/** The end-user address and how it was chosen. */
export interface ClientIp {
  /** Canonical address, or null when the chosen source held an invalid one. */
  ip: string | null;
  family: 4 | 6 | null;
  /** The raw text that failed validation, when one did. */
  invalidIp: string | null;
  source: IpSource;
  /**
   * True when an untrusted client sent `auth0-forwarded-for` and it was ignored (docs/api.md,
   * "End-user IP").
   */
  ignoredForwardedFor: boolean;
}

/**
 * Pick the end-user IP (docs/api.md, "End-user IP"): the `auth0-forwarded-for` header when the
 * client is trusted to send it, else the body's `ip`, else the connection address.
 *
 * An invalid address from the chosen source does not fall back to the next one: the caller
 * told us which address the login came from, and assessing the login service's own socket
 * address instead would score the wrong machine (and let a forged value dodge a deny list).
 * UntrustedIP reports `invalid_ip_address` for it instead. Total: never throws.
 */
export function resolveClientIp(input: ClientIpInput): ClientIp {
  const header = input.forwardedFor?.trim() ?? '';
  const ignoredForwardedFor = header !== '' && !input.trustForwardedFor;

  let raw: string;
  let source: IpSource;
  if (header !== '' && input.trustForwardedFor) {
    // X-Forwarded-For style list: the first entry is the client as the first proxy saw it.
    // Node also joins repeated headers with ", ", so the first header's value wins.
    const comma = header.indexOf(',');
    raw = (comma < 0 ? header : header.slice(0, comma)).trim();
    source = 'forwarded_for';
  } else if (input.bodyIp !== undefined) {
    raw = input.bodyIp;
    source = 'body';
  } else {
    raw = input.connectionIp;
    source = 'connection';
  }

  const parsed = parseIp(raw);
  return parsed
    ? { ip: parsed.ip, family: parsed.family, invalidIp: null, source, ignoredForwardedFor }
    : { ip: null, family: null, invalidIp: raw, source, ignoredForwardedFor };
}
