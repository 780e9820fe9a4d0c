/**
 * History buckets of the report: how many of the user's legit logins history had learned
 * before this one (docs/evaluate.md "Reading the report"). The targets are stated for users
 * with 3–9 and with 10 or more logins.
 */
export const HISTORY_BUCKETS = ['0', '1–2', '3–9', '10–29', '30+'] as const;

export type HistoryBucket = (typeof HISTORY_BUCKETS)[number];

/** The bucket of a login after `committed` committed legit logins of its user. */
export function historyBucket(committed: number): HistoryBucket {
  if (committed <= 0) return '0';
  if (committed <= 2) return '1–2';
  if (committed <= 9) return '3–9';
  if (committed <= 29) return '10–29';
  return '30+';
}
