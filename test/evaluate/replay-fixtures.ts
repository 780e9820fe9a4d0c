import type { LoginRow } from '../../src/evaluate/replay/reader.js';
import type { ReplayedLogin } from '../../src/evaluate/replay/runner.js';

/** A replayed login as the runner reports one, with `over` on top of an allowed login of nobody in particular. */
export function login(label: string, over: Partial<ReplayedLogin> = {}): ReplayedLogin {
  const row: LoginRow = { record: 0, userId: 'u', atMs: 0, ip: undefined, userAgent: undefined, deviceId: undefined, application: undefined, email: undefined, label, labelled: true, outcome: 'success' };
  return { row, kind: 'assessed', history: 0, action: 'allow', confidence: 'high', score: 0, codes: {}, evidence: null, familiarity: null, reasons: [], committed: false, fixed: null, error: null, ...over };
}
