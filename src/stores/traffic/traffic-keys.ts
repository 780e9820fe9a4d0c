import { ipTag } from '../hash-tags.js';

/** The traffic store's keys: an IP's counters share its `{ip:…}` tag, so one script updates them all. */
export interface TrafficKeys {
  /** Failed logins of one IP, hour → count. */
  ipFailures(ip: string): string;
  /** HyperLogLog of the accounts with failed logins from one IP in one time bucket. */
  ipAccounts(ip: string, bucket: number): string;
  /** Failed logins per account from one IP: account hash → `count:lastHour`. */
  ipAccountFailures(ip: string): string;
  /**
   * IPs flagged by traffic, scored by when the flag lapses (epoch ms), for the gauge and admin
   * lookups. One key for every IP; it keeps the `{intel}` tag under which it was first stored.
   */
  flagged: string;
}

export function trafficKeys(prefix: string): TrafficKeys {
  return {
    ipFailures: (ip) => `${prefix}${ipTag(ip)}:f`,
    ipAccounts: (ip, bucket) => `${prefix}${ipTag(ip)}:a:${bucket}`,
    ipAccountFailures: (ip) => `${prefix}${ipTag(ip)}:u`,
    flagged: `${prefix}{intel}:flagged`,
  };
}
