import { hkdfSync } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Metrics } from '../platform/metrics/metrics.js';
import { bullPrefix, type RedisConnections } from '../platform/redis/redis-connections.js';
import { mfaKeys } from '../stores/mfa/mfa-keys.js';
import { MfaStore } from '../stores/mfa/mfa-store.js';
import type { OpObserver } from '../stores/timed.js';
import { createSecretBox } from './crypto/secret-box.js';
import { createEmailDelivery, type EmailDelivery } from './delivery/email-queue.js';
import { createWebhookPhoneProvider } from './delivery/phone-provider.js';
import { phoneText, renderCodeEmail } from './delivery/templates.js';
import { createResultSigner } from './result-token.js';
import type { MfaRuntime } from './runtime.js';

export interface BuiltMfa extends MfaRuntime {
  close(): Promise<void>;
}

/**
 * The MFA module's infrastructure: store, signer, secret box, and delivery. Email goes through
 * the BullMQ queue to SMTP when `SMTP_URL` is set; without it, development writes emails to the
 * log and production offers no email steps. SMS and voice exist only with a phone webhook.
 */
export async function buildMfa(opts: {
  config: Config;
  redis: RedisConnections;
  logger: Logger;
  metrics: Metrics;
  observe: OpObserver;
}): Promise<BuiltMfa> {
  const { config, logger, metrics } = opts;
  const signer = await createResultSigner({ issuer: config.mfa.issuer, signingKeys: config.mfa.signingKeys, env: config.env });
  if (signer.ephemeral) logger.warn('mfa.signingKeys is empty: result tokens are signed with a key generated for this process');
  if (config.encryptionKeyIsDefault) logger.warn('VIGIL_ENCRYPTION_KEYS is not set: factor secrets use the development key');

  let delivery: EmailDelivery | null = null;
  if (config.smtp.url || config.env !== 'production') {
    if (!config.smtp.url) logger.warn('SMTP_URL is not set: code emails are written to the log (development only)');
    delivery = createEmailDelivery({
      connection: { queue: opts.redis.bullmq('queue'), worker: opts.redis.bullmq('worker') },
      transport: config.smtp.url ? smtpTransport(config.smtp.url, config.smtp.timeoutMs) : 'log',
      from: config.smtp.from,
      logger,
      prefix: bullPrefix(config.redis.keyPrefix),
      hooks: {
        queued: () => metrics.emails.inc({ result: 'queued' }),
        sent: () => metrics.emails.inc({ result: 'sent' }),
        retried: () => metrics.emails.inc({ result: 'retried' }),
        failed: () => metrics.emails.inc({ result: 'failed' }),
      },
    });
  } else {
    logger.warn('SMTP_URL is not set: email verification and email codes are not offered; unenrolled users are denied');
  }

  const issuer = config.mfa.issuer;
  const phone = config.phoneWebhook
    ? createWebhookPhoneProvider({ url: config.phoneWebhook.url, secret: config.phoneWebhook.secret ?? undefined, timeoutMs: 5000 })
    : null;

  // One server secret, domain-separated: the code-hashing key is not the device-hashing key.
  const codeSecret = Buffer.from(hkdfSync('sha256', config.deviceSecret, 'vigil', 'mfa-codes', 32)).toString('base64url');

  return {
    store: new MfaStore(opts.redis, mfaKeys(config.redis.keyPrefix), { observe: opts.observe, timeoutMs: config.redis.timeoutMs }),
    signer,
    box: createSecretBox(config.encryptionKeys),
    codeSecret,
    mailer: delivery && {
      sendCode: (to, purpose, code) => delivery.enqueue({ to, ...renderCodeEmail({ code, purpose, issuer }) }),
    },
    phone: phone && {
      sendCode: (to, channel, purpose, code) => phone.send({ to, channel, code, text: phoneText({ code, purpose, issuer, channel }) }),
    },
    queueCounts: delivery ? () => delivery.counts() : null,
    lastQueueCounts: delivery ? () => delivery.lastCounts() : null,
    close: async () => {
      await delivery?.close();
    },
  };
}

/**
 * nodemailer's SMTP transport with every wait bounded by `timeoutMs`: its defaults (2 minutes to
 * connect, 30 s for the greeting, 10 minutes of socket silence) let a hung server hold a
 * delivery slot for minutes (docs/operations.md, "14. Email retries ended long before the code
 * did"). Timeouts given in the URL's query win.
 */
function smtpTransport(url: string, timeoutMs: number) {
  return nodemailer.createTransport({ url, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs, dnsTimeout: timeoutMs });
}
