import { createServer, connect, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { DeadlineError, withDeadline } from '../../src/platform/deadline.js';

const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // the event loop is stalled
  }
};
const after = <T>(ms: number, v: T) => new Promise<T>((r) => setTimeout(() => r(v), ms));
const failAfter = (ms: number, err: Error) => new Promise<never>((_, reject) => setTimeout(() => reject(err), ms));
const outcome = (p: Promise<unknown>) =>
  p.then(
    (v) => ({ ok: true as const, v, at: performance.now() }),
    (e: unknown) => ({ ok: false as const, e, at: performance.now() }),
  );

describe('withDeadline (src/platform/deadline.ts)', () => {
  it('passes on a value or an error that comes in time', async () => {
    await expect(withDeadline(after(5, 'v'), 200)).resolves.toBe('v');
    const err = new Error('refused');
    await expect(withDeadline(failAfter(5, err), 200)).rejects.toBe(err);
  });

  it('rejects with DeadlineError at the deadline, not before, and swallows the late answer', async () => {
    const t0 = performance.now();
    const late = failAfter(150, new Error('late'));
    const r = await outcome(withDeadline(late, 40));
    expect(r.ok).toBe(false);
    expect(r.ok ? null : r.e).toBeInstanceOf(DeadlineError);
    expect(r.at - t0).toBeGreaterThanOrEqual(39);
    expect(r.at - t0).toBeLessThan(140);
    // The late rejection must not surface as unhandled: vitest fails the run if it does.
    await after(150, null);
  });

  it('keeps each deadline of many, set out of order, mixed with met ones', async () => {
    const t0 = performance.now();
    const budgets = [90, 30, 60, 10, 120, 45, 75, 20];
    const runs = budgets.map((ms, i) => {
      const met = i % 2 === 0;
      return outcome(withDeadline(met ? after(Math.floor(ms / 3), i) : after(ms + 100, i), ms)).then((r) => ({ ...r, ms, met }));
    });
    for (const r of await Promise.all(runs)) {
      if (r.met) {
        expect(r.ok).toBe(true);
      } else {
        expect(r.ok).toBe(false);
        expect(r.at - t0).toBeGreaterThanOrEqual(r.ms - 1);
        expect(r.at - t0).toBeLessThan(r.ms + 80);
      }
    }
  });

  it('a deadline met leaves nothing to fire: a later one still fires on time', async () => {
    await withDeadline(after(1, 'quick'), 20);
    const t0 = performance.now();
    const r = await outcome(withDeadline(after(200, 'slow'), 30));
    expect(r.ok).toBe(false);
    expect(r.at - t0).toBeGreaterThanOrEqual(29);
    expect(r.at - t0).toBeLessThan(150);
  });

  it('rejects at once when the budget is already spent', async () => {
    await expect(withDeadline(after(1, 'v'), 0)).rejects.toBeInstanceOf(DeadlineError);
  });

  // Timers run before the poll phase that reads sockets: a deadline that fired right after a
  // stall used to reject an answer already waiting in the socket.
  it('an answer that arrived in a socket during an event-loop stall past the deadline still counts', async () => {
    const server = createServer((s) => s.on('data', (d) => s.write(d)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    try {
      const echoed = new Promise<string>((r) => socket.once('data', (d) => r(d.toString())));
      socket.write('ping');
      const answer = withDeadline(echoed, 30);
      await new Promise((r) => setImmediate(r)); // the write has gone out
      busy(80); // the echo arrives in the socket meanwhile
      await expect(answer).resolves.toBe('ping');
    } finally {
      socket.destroy();
      server.close();
    }
  });

  it('after a stall, an answer sent only when the stall ended gets a moment more; without a stall none', async () => {
    let answer!: (v: string) => void;
    const late = withDeadline(new Promise<string>((r) => (answer = r)), 30);
    busy(80);
    setTimeout(() => answer('v'), 2);
    await expect(late).resolves.toBe('v');

    const t0 = performance.now();
    const r = await outcome(withDeadline(after(200, 'too late'), 30));
    expect(r.ok).toBe(false);
    expect(r.at - t0).toBeLessThan(150);
  });
});
