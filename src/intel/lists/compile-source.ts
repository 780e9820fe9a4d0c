import type { ListSourceConfig } from '../../config.js';
import { parseAnonymousIpDb } from './anonymous-ip-db.js';
import { IpSet } from './ip-set.js';
import { parseListText, type ParsedList } from './list-file.js';

/** A source's content, indexed. */
export interface CompiledSource {
  /** Values are when each network was first seen in this source, epoch seconds. */
  set: IpSet;
  /** Malformed lines (or records) skipped. */
  skipped: number;
}

function parse(bytes: Buffer, spec: Pick<ListSourceConfig, 'format' | 'category' | 'minCount'>): ParsedList {
  switch (spec.format) {
    case 'netset':
      return parseListText(bytes.toString('utf8'));
    case 'ipsum':
      return parseListText(bytes.toString('utf8'), { minCount: spec.minCount ?? 0 });
    case 'mmdb-anonymous':
      if (spec.category !== 'anonymizer' && spec.category !== 'datacenter') {
        throw new Error(`format mmdb-anonymous feeds anonymizer or datacenter, not ${spec.category}`);
      }
      return parseAnonymousIpDb(bytes, spec.category);
  }
}

/**
 * Parse one fetched source in its format and index it. A network also in `previous` (the
 * version in use) keeps its first-seen time; a new one is first seen `nowSec`. Throws when the
 * content cannot be read at all (an MMDB that is not one); malformed lines are only counted.
 */
export function compileSource(
  bytes: Buffer,
  spec: Pick<ListSourceConfig, 'format' | 'category' | 'minCount'>,
  previous: IpSet | null,
  nowSec: number,
): CompiledSource {
  const { networks, skipped } = parse(bytes, spec);
  return { set: IpSet.build(networks).carryValues(previous, nowSec), skipped };
}
