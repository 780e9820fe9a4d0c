import { createHmac, timingSafeEqual } from 'node:crypto';

/** One code to a phone. `text` is what to send or say (see `phoneText`); `code` lets a gateway use its own template. */
export interface PhoneMessage {
  to: string;
  channel: 'sms' | 'voice';
  text: string;
  code: string;
}

/** Whatever sends SMS and places calls. Throws when the message was not accepted. */
export interface PhoneProvider {
  send(msg: PhoneMessage): Promise<void>;
}

export interface WebhookPhoneProviderOptions {
  /** Where to POST each message as JSON (an operator's gateway to Twilio, Vonage, ...). */
  url: string;
  /** When set, every request carries `x-vigil-signature: sha256=<hex HMAC-SHA256 of the body>`. */
  secret?: string | undefined;
  /** Abort a request that takes longer than this. */
  timeoutMs: number;
}

/** The header that carries the body's signature. */
export const SIGNATURE_HEADER = 'x-vigil-signature';

/** `sha256=<hex>` over the exact body bytes, the form GitHub's `X-Hub-Signature-256` made familiar. */
export function signWebhookBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Check a signature header against the raw body in constant time (for receivers and tests). */
export function verifyWebhookSignature(secret: string, body: string, header: string | undefined): boolean {
  const expected = Buffer.from(signWebhookBody(secret, body), 'utf8');
  const given = Buffer.from(header ?? '', 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * A PhoneProvider that POSTs each message as JSON to a webhook, so operators can plug in any
 * SMS/voice gateway without Vigil carrying vendor SDKs. Any non-2xx answer, a timeout or a
 * network error throws. Redirects are refused: a redirect would carry the code somewhere
 * the operator did not configure.
 */
export function createWebhookPhoneProvider(opts: WebhookPhoneProviderOptions): PhoneProvider {
  return {
    async send(msg) {
      const body = JSON.stringify({ to: msg.to, channel: msg.channel, text: msg.text, code: msg.code });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (opts.secret) headers[SIGNATURE_HEADER] = signWebhookBody(opts.secret, body);
      const res = await fetch(opts.url, { method: 'POST', headers, body, redirect: 'error', signal: AbortSignal.timeout(opts.timeoutMs) });
      // Drain the body so the connection can be reused; its content is the gateway's business.
      await res.arrayBuffer().catch(() => undefined);
      // The message names neither the number nor the code: errors end up in logs.
      if (!res.ok) throw new Error(`phone webhook answered ${res.status}`);
    },
  };
}
