import type { SecretBox } from './crypto/secret-box.js';
import type { ResultSigner } from './result-token.js';
import type { MfaStore } from '../stores/mfa/mfa-store.js';

import type { EmailQueueCounts } from './delivery/email-queue.js';
import type { CodePurpose } from './delivery/templates.js';

/** Sends code emails (through the BullMQ queue in production). */
export interface Mailer {
  sendCode(to: string, purpose: CodePurpose, code: string): Promise<void>;
}

/** Sends SMS or voice codes through the configured provider. */
export interface PhoneSender {
  sendCode(to: string, channel: 'sms' | 'voice', purpose: CodePurpose, code: string): Promise<void>;
}

/** The MFA module's infrastructure, built once in `src/compose.ts`. */
export interface MfaRuntime {
  store: MfaStore;
  signer: ResultSigner;
  box: SecretBox;
  /** HMAC key for low-entropy codes at rest, derived from the server secret. */
  codeSecret: string;
  /** Null when email cannot be delivered (production without SMTP): email steps are not offered. */
  mailer: Mailer | null;
  /** Null without a phone provider: SMS and voice are not offered. */
  phone: PhoneSender | null;
  /** Email jobs per state, for the queue gauge; null without email delivery. */
  queueCounts: (() => Promise<EmailQueueCounts>) | null;
  /** What `queueCounts` last read (null before it first did); null without email delivery. */
  lastQueueCounts: (() => { counts: EmailQueueCounts; at: number } | null) | null;
}
