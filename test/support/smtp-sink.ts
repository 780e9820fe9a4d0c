import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on a free loopback port that keeps what it receives, for tests. */
export interface SmtpSink {
  url: string;
  received: ReceivedMail[];
  /** The next message to `address` (already received or yet to come). */
  nextFor(address: string, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

/**
 * `onMailFrom` and `onRcptTo` are smtp-server's own hooks, for a test that refuses some senders
 * or recipients (a 421 is a temporary failure, a 550 a permanent one) or records the attempts.
 */
export async function startSmtpSink(hooks: Pick<SMTPServerOptions, 'onMailFrom' | 'onRcptTo'> = {}): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const taken = new Set<ReceivedMail>();
  const waiters: { address: string; resolve: (m: ReceivedMail) => void }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    ...hooks,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const { mailFrom, rcptTo } = session.envelope;
        const mail = { from: mailFrom ? mailFrom.address : '', to: rcptTo.map((a) => a.address), raw: Buffer.concat(chunks).toString('utf8') };
        received.push(mail);
        const i = waiters.findIndex((w) => mail.to.includes(w.address));
        if (i >= 0) {
          taken.add(mail);
          waiters.splice(i, 1)[0]?.resolve(mail);
        }
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    nextFor(address, timeoutMs = 10_000) {
      const ready = received.find((m) => !taken.has(m) && m.to.includes(address));
      if (ready) {
        taken.add(ready);
        return Promise.resolve(ready);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no mail for ${address} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ address, resolve: (m) => (clearTimeout(timer), resolve(m)) });
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The 6-digit code of a code email: the text part puts it alone on an indented line. */
export function codeOf(mail: ReceivedMail): string {
  const m = /^ {4}(\d{6})\s*$/m.exec(mail.raw);
  if (!m?.[1]) throw new Error(`no code in mail:\n${mail.raw.slice(0, 2000)}`);
  return m[1];
}
