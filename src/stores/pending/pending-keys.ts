/** The pending assessments' keys. */
export interface PendingKeys {
  /** An assessment that may be committed later, kept 10 minutes; each in its own slot. */
  assessment(id: string): string;
}

export function pendingKeys(prefix: string): PendingKeys {
  return { assessment: (id) => `${prefix}{a:${id}}` };
}
