import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Metrics } from '../platform/metrics/metrics.js';
import type { MfaRuntime } from './runtime.js';

/**
 * What the MFA module's use cases need, handed in by the composition root (src/compose.ts).
 * Of the login-risk feature the module knows one thing, `commitChallenged`: it never imports
 * that feature (docs/design.md, "Layout").
 */
export interface MfaDeps {
  config: Pick<Config, 'mfa' | 'applications'>;
  mfa: MfaRuntime;
  metrics: Metrics;
  logger: Pick<Logger, 'warn'>;
  /** The clock, epoch ms. */
  now(): number;
  /**
   * Commit the pending assessment of a challenged login, once (the claim → commit → unclaim of
   * src/risk/commit-pending.ts). Resolves with what came of it; rejects on a Redis fault, with
   * the fault as the error's `cause`.
   */
  commitChallenged(assessmentId: string, clientId: string): Promise<{ outcome: 'committed' | 'missing' | 'already_committed' | 'refused' }>;
}
