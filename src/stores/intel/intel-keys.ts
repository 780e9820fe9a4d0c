/** The shared IP-list state's keys: all under the `{intel}` tag, so each script covers them in one slot. */
export interface IntelKeys {
  /** Every list source's state (version, size, last refresh, last error), JSON by source name. */
  sources: string;
  /** The compiled networks (encoded `IpSet`) of one list source's current version. */
  set(source: string): string;
  /** Manual entries: canonical network → JSON entry. */
  manual: string;
}

export function intelKeys(prefix: string): IntelKeys {
  return {
    sources: `${prefix}{intel}:sources`,
    set: (source) => `${prefix}{intel}:set:${source}`,
    manual: `${prefix}{intel}:manual`,
  };
}
