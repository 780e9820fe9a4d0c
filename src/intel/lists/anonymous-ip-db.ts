import { Reader, type AnonymousIPResponse } from 'maxmind';
import { anonymousFromGeoIp2, isAnonymizer } from '../geo/normalise.js';
import { formatIpv4, formatIpv6 } from './address.js';
import type { ParsedList } from './list-file.js';

/** The categories a MaxMind Anonymous-IP database can feed. */
export type AnonymousIpCategory = 'anonymizer' | 'datacenter';

/**
 * Which records a category keeps: `anonymizer` takes VPN, Tor, public and residential proxies
 * (the flags ImpossibleTravel treats as hiding the user's location); `datacenter` takes hosting
 * providers.
 */
const KEEP: Record<AnonymousIpCategory, (rec: AnonymousIPResponse) => boolean> = {
  anonymizer: (rec) => isAnonymizer(anonymousFromGeoIp2(rec)),
  datacenter: (rec) => rec.is_hosting_provider === true,
};

/**
 * Every network of a MaxMind Anonymous-IP `.mmdb` whose record belongs to `category`, as CIDR
 * text. Walks the database's binary search tree (MaxMind DB format 2.0, "Search Tree Section")
 * depth first; the reader decodes each distinct record once. In an IPv6 database, IPv4 lives
 * under `::/96`; the aliases MaxMind adds for it (`::ffff:0:0/96`, `2002::/16`) lead to the same
 * node and are skipped, so each IPv4 network is listed once. Throws when the buffer is not an
 * MMDB file or is not an Anonymous-IP database.
 */
export function parseAnonymousIpDb(db: Buffer, category: AnonymousIpCategory): ParsedList {
  const reader = new Reader<AnonymousIPResponse>(db);
  const { nodeCount, recordSize, nodeByteSize, ipVersion, databaseType } = reader.metadata;
  if (!/Anonymous/i.test(databaseType)) throw new Error(`not an Anonymous-IP database (type ${databaseType})`);

  const record = (node: number, right: boolean): number => {
    const at = node * nodeByteSize;
    if (recordSize === 24) return db.readUIntBE(at + (right ? 3 : 0), 3);
    if (recordSize === 32) return db.readUInt32BE(at + (right ? 4 : 0));
    // 28 bits: the middle byte's high nibble tops the left record, its low nibble the right.
    const middle = db[at + 3]!;
    return right ? ((middle & 0x0f) * 2 ** 24 + db.readUIntBE(at + 4, 3)) : ((middle >> 4) * 2 ** 24 + db.readUIntBE(at, 3));
  };

  let ipv4Root = 0;
  if (ipVersion === 6) for (let i = 0; i < 96 && ipv4Root < nodeCount; i++) ipv4Root = record(ipv4Root, false);

  const keep = KEEP[category];
  const decided = new Map<number, boolean>(); // data pointer → keep?
  const networks: string[] = [];
  const words = new Uint32Array(4);
  const bits = ipVersion === 6 ? 128 : 32;

  const emit = (depth: number, pointer: number) => {
    let text: string;
    if (bits === 32) text = `${formatIpv4(words[0]!)}/${depth}`;
    else if (words[0] === 0 && words[1] === 0 && words[2] === 0 && depth >= 96) text = `${formatIpv4(words[3]!)}/${depth - 96}`;
    else text = `${formatIpv6(words)}/${depth}`;
    let ok = decided.get(pointer);
    if (ok === undefined) {
      // The first address of the network finds the same record the tree walk reached.
      ok = keep(reader.get(text.slice(0, text.indexOf('/'))) ?? {});
      decided.set(pointer, ok);
    }
    if (ok) networks.push(text);
  };

  const walk = (node: number, depth: number): void => {
    for (const right of [false, true]) {
      const word = depth >> 5;
      const bit = 2 ** (31 - (depth & 31));
      if (right) words[word] = words[word]! + bit;
      const next = record(node, right);
      const isAlias = next === ipv4Root && ipVersion === 6 && !(depth + 1 === 96 && words[0] === 0 && words[1] === 0 && words[2] === 0);
      if (next > nodeCount) emit(depth + 1, next);
      else if (next < nodeCount && depth + 1 < bits && !isAlias) walk(next, depth + 1);
      if (right) words[word] = words[word]! - bit;
    }
  };
  walk(0, 0);
  return { networks, skipped: 0 };
}
