import type { SimLogin } from './sim-login.js';

/** The columns of the login log, in the order written (the shared log format). */
export const LOG_COLUMNS = ['user_id', 'timestamp', 'ip', 'user_agent', 'device_id', 'application', 'email', 'label', 'outcome'] as const;

/** One log record: every column as text, empty for none. */
export type LogRecord = Record<(typeof LOG_COLUMNS)[number], string>;

/** A simulated login as a log record; `application` is empty (the default application). */
export function logRecord(l: SimLogin): LogRecord {
  return {
    user_id: l.userId,
    timestamp: new Date(l.timeMs).toISOString(),
    ip: l.ip,
    user_agent: l.userAgent,
    device_id: l.deviceId,
    application: '',
    email: l.email,
    label: l.label,
    outcome: l.outcome,
  };
}

/** A CSV field per RFC 4180: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The log as text chunks of up to `chunkRows` rows: JSON Lines (one object a line, every column
 * present) or CSV (a header row, then one row a login, CRLF line ends as RFC 4180 says).
 */
export function* formatLog(logins: Iterable<SimLogin>, format: 'jsonl' | 'csv', chunkRows = 2000): Generator<string> {
  const eol = format === 'csv' ? '\r\n' : '\n';
  let chunk: string[] = format === 'csv' ? [LOG_COLUMNS.join(',')] : [];
  for (const l of logins) {
    const rec = logRecord(l);
    chunk.push(format === 'csv' ? LOG_COLUMNS.map((c) => csvField(rec[c])).join(',') : JSON.stringify(rec));
    if (chunk.length >= chunkRows) {
      yield chunk.join(eol) + eol;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk.join(eol) + eol;
}
