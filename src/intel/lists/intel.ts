import { parseIpv4, parseIpv6 } from './address.js';
import { BOGON_NETWORKS } from './bogons.js';
import { IpSet } from './ip-set.js';
import { BOGON_SOURCE, MANUAL_SOURCE, type IntelCategory, type IntelMatch } from './types.js';

/** An entry added through the admin API; it holds until `expiresAtMs`. */
export interface ManualEntry {
  /** Canonical CIDR text. */
  network: string;
  category: IntelCategory;
  reason: string;
  addedBy: string;
  addedAtMs: number;
  expiresAtMs: number;
}

/** A match with what an admin asks next: since when the source lists it, until when. */
export interface ExplainedMatch extends IntelMatch {
  /** List sources: when Vigil first fetched the network in this source; manual: when added; bogons: null. */
  sinceMs: number | null;
  /** Manual entries only. */
  expiresAtMs: number | null;
}

/** What one source holds in this process, for metrics and the readiness report. */
export interface LoadedSource {
  name: string;
  /** Null for the manual entries, which carry a category each. */
  category: IntelCategory | null;
  /** The version in use (0: none loaded yet; bogons are always 0). */
  version: number;
  /** Networks held after dropping duplicates and nested blocks. */
  size: number;
}

interface ListSlot {
  name: string;
  category: IntelCategory;
  version: number;
  /** Values are "first seen" times, epoch seconds (0 for the bogons). */
  set: IpSet;
}

interface ManualSlot {
  version: number;
  /** Values index `matches` and `entries`. */
  set: IpSet;
  entries: readonly ManualEntry[];
  /** One frozen match per entry, handed to every request that hits it. */
  matches: readonly IntelMatch[];
}

const NO_MATCHES: readonly IntelMatch[] = Object.freeze([]);
// Scratch words for IPv6 queries, so a lookup with no hit allocates nothing.
const query6 = new Uint32Array(4);

/**
 * The IP lists of this process, in memory: the built-in bogons, every configured list source at
 * the version last loaded from Redis, and the manual entries. Lookups are synchronous, O(log n)
 * per source, and allocate nothing unless something matches. A new version replaces its
 * source's set in one assignment, so a lookup sees either the old version or the new one.
 */
export class IpIntel {
  private readonly lists: ListSlot[];
  private manual: ManualSlot = { version: 0, set: IpSet.build([]), entries: [], matches: [] };
  private readonly hitSlots: Uint16Array;
  private readonly hitRanges: Uint32Array;

  /** `sources` are the configured list sources, in config order; each starts empty. */
  constructor(sources: readonly { name: string; category: IntelCategory }[]) {
    const empty = IpSet.build([]);
    this.lists = [
      { name: BOGON_SOURCE, category: 'unroutable', version: 0, set: IpSet.build(BOGON_NETWORKS) },
      ...sources.map(({ name, category }) => ({ name, category, version: 0, set: empty })),
    ];
    this.hitSlots = new Uint16Array(this.lists.length + 1);
    this.hitRanges = new Uint32Array(this.lists.length + 1);
  }

  /** Use `set` as version `version` of the configured source `name`. */
  install(name: string, version: number, set: IpSet): void {
    const slot = this.lists.find((s) => s.name === name && s.name !== BOGON_SOURCE);
    if (!slot) throw new Error(`IpIntel: no configured source "${name}"`);
    // One replacement object, one assignment: a concurrent reader never sees a half-swapped slot.
    this.lists[this.lists.indexOf(slot)] = { ...slot, version, set };
  }

  /** Use `entries` (already free of expired ones) as version `version` of the manual entries. */
  installManual(version: number, entries: readonly ManualEntry[]): void {
    this.manual = {
      version,
      set: IpSet.build(
        entries.map((e) => e.network),
        entries.map((_, i) => i),
      ),
      entries,
      matches: entries.map(({ network, category, reason }) => Object.freeze({ network, source: MANUAL_SOURCE, category, reason })),
    };
  }

  /** The version of `name` in use; 0 when none is loaded. */
  version(name: string): number {
    return name === MANUAL_SOURCE ? this.manual.version : (this.lists.find((s) => s.name === name)?.version ?? 0);
  }

  /**
   * Every source's match for `ip` (normalised, see `parseIp`), in source order (bogons, the
   * configured sources, manual), at most one per source: the widest listed network holding
   * the address. Empty when none matches or the text is not an address of `family`.
   */
  lookup(ip: string, family: 4 | 6): readonly IntelMatch[] {
    const found = this.find(ip, family);
    if (found === 0) return NO_MATCHES;
    const matches: IntelMatch[] = [];
    for (let k = 0; k < found; k++) {
      const slot = this.lists[this.hitSlots[k]!];
      const i = this.hitRanges[k]!;
      matches.push(slot ? { network: slot.set.network(i), source: slot.name, category: slot.category } : this.manual.matches[this.manual.set.value(i)]!);
    }
    return matches;
  }

  /** {@link lookup}, with since when each source lists the address and until when (admin). */
  explain(ip: string, family: 4 | 6): ExplainedMatch[] {
    const found = this.find(ip, family);
    const out: ExplainedMatch[] = [];
    for (let k = 0; k < found; k++) {
      const slot = this.lists[this.hitSlots[k]!];
      const i = this.hitRanges[k]!;
      if (slot) {
        const since = slot.set.value(i);
        out.push({ network: slot.set.network(i), source: slot.name, category: slot.category, sinceMs: since > 0 ? since * 1000 : null, expiresAtMs: null });
      } else {
        const at = this.manual.set.value(i);
        const e = this.manual.entries[at]!;
        out.push({ ...this.manual.matches[at]!, sinceMs: e.addedAtMs, expiresAtMs: e.expiresAtMs });
      }
    }
    return out;
  }

  /**
   * Look the address up in every source, writing hits to `hitSlots` (index into `lists`; one
   * past the end for the manual entries) and `hitRanges`; returns how many. Scratch arrays
   * instead of a callback or a result object keep a miss free of allocation.
   */
  private find(ip: string, family: 4 | 6): number {
    let found = 0;
    const manual = this.lists.length;
    if (family === 4) {
      const addr = parseIpv4(ip);
      if (addr < 0) return 0;
      for (let s = 0; s <= manual; s++) {
        const i = (s < manual ? this.lists[s]!.set : this.manual.set).lookupV4(addr);
        if (i >= 0) {
          this.hitSlots[found] = s;
          this.hitRanges[found++] = i;
        }
      }
    } else {
      if (!parseIpv6(ip, query6)) return 0;
      for (let s = 0; s <= manual; s++) {
        const i = (s < manual ? this.lists[s]!.set : this.manual.set).lookupV6(query6);
        if (i >= 0) {
          this.hitSlots[found] = s;
          this.hitRanges[found++] = i;
        }
      }
    }
    return found;
  }

  /** Per-source versions and sizes, manual entries last, for metrics and the readiness report. */
  sources(): LoadedSource[] {
    return [
      ...this.lists.map(({ name, category, version, set }) => ({ name, category, version, size: set.size })),
      { name: MANUAL_SOURCE, category: null, version: this.manual.version, size: this.manual.set.size },
    ];
  }
}
