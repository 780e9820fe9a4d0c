import type { HistoryEntry } from '../../risk/history/snapshot.js';
import { luaScript } from '../../platform/redis/lua-script.js';
import type { RedisPort } from '../../platform/redis/redis-port.js';
import { timed, type OpObserver } from '../timed.js';
import type { PendingKeys } from './pending-keys.js';

const SAVE = luaScript(new URL('./save-assessment-1.lua', import.meta.url));
const CLAIM = luaScript(new URL('./claim-assessment-1.lua', import.meta.url));
const UNCLAIM = luaScript(new URL('./unclaim-assessment-1.lua', import.meta.url));

/** An assessment kept for 10 minutes so `/complete` or the MFA step can commit it later. */
export interface AssessmentRecord {
  id: string;
  userId: string;
  application: string;
  clientId: string;
  action: 'allow' | 'challenge' | 'deny';
  entry: HistoryEntry;
  /** The end-user IP, whose failures for this account a commit clears. */
  ip: string | null;
  createdAtMs: number;
}

export type ClaimResult = { ok: true; record: AssessmentRecord } | { ok: false; reason: 'missing' | 'already_committed' };

/** Assessment records live this long: 10 minutes, for `/complete` and the MFA step (docs/api.md). */
export const ASSESSMENT_TTL_SEC = 600;

/**
 * Assessments that may be committed later (`"commit": false`, a challenge, a deny), as JSON
 * in one hash each, for {@link ASSESSMENT_TTL_SEC}. One committed at once is not stored: its
 * id is its receipt (src/risk/assessment-id.ts). Every operation is one script on one key,
 * on the writes connection. `save` runs under the assessment's deadline; claims fail after
 * `timeoutMs`.
 */
export class PendingAssessments {
  constructor(
    private readonly writes: RedisPort,
    private readonly keys: PendingKeys,
    private readonly opts: { observe?: OpObserver; timeoutMs: number },
  ) {}

  async save(record: AssessmentRecord): Promise<void> {
    await this.timed('save', () => this.writes.runScript(SAVE, [this.keys.assessment(record.id)], [ASSESSMENT_TTL_SEC, record.clientId, JSON.stringify(record)]));
  }

  /**
   * Take a pending assessment of `clientId` for commit; a second claim of the same id fails.
   * Another client's assessment is `missing`, whether or not it was claimed.
   */
  async claim(id: string, clientId: string): Promise<ClaimResult> {
    const res = await this.timed('claim', () => this.writes.runScript(CLAIM, [this.keys.assessment(id)], [clientId]), this.opts.timeoutMs);
    if (res === -1) return { ok: false, reason: 'missing' };
    if (res === 0) return { ok: false, reason: 'already_committed' };
    return { ok: true, record: JSON.parse(String(res)) as AssessmentRecord };
  }

  /** Release a claim after a failed commit so the caller may retry. */
  async unclaim(id: string): Promise<void> {
    await this.timed('unclaim', () => this.writes.runScript(UNCLAIM, [this.keys.assessment(id)], []), this.opts.timeoutMs);
  }

  private timed<T>(op: string, fn: () => Promise<T>, deadlineMs?: number): Promise<T> {
    return timed(this.opts.observe ?? noop, op, fn, deadlineMs);
  }
}

const noop: OpObserver = () => {};
