import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { onFirstReady } from '../../src/platform/on-first-ready.js';

/** Just what onFirstReady reads of a client: its status and its `ready` event. */
function fakeRedis(status = 'connecting'): Redis & EventEmitter {
  return Object.assign(new EventEmitter(), { status }) as unknown as Redis & EventEmitter;
}

function thing(client: Promise<unknown> = Promise.resolve()) {
  let closes = 0;
  return { client, close: async () => void closes++, closes: () => closes };
}

describe('onFirstReady', () => {
  it('makes it on the first ready, once', async () => {
    const redis = fakeRedis();
    let made = 0;
    const t = onFirstReady(redis, () => (made++, thing()));
    expect(t.current()).toBeNull();
    redis.emit('ready');
    redis.emit('ready');
    expect(made).toBe(1);
    expect(await t.made).toBe(t.current());
    await Promise.all([t.close(), t.close()]);
    expect(t.current()!.closes()).toBe(1);
  });

  it('closes it only once its setup has settled, failed or not', async () => {
    let fail!: (err: Error) => void;
    const setup = new Promise((_, reject) => (fail = reject));
    const t = onFirstReady(fakeRedis('ready'), () => thing(setup));
    const closing = t.close();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(t.current()!.closes()).toBe(0);
    fail(new Error('Connection is closed.'));
    await closing;
    expect(t.current()!.closes()).toBe(1);
  });

  it('makes it at once on a client that is already ready', () => {
    const t = onFirstReady(fakeRedis('ready'), thing);
    expect(t.current()).not.toBeNull();
  });

  it('closed first, never makes it, and `made` rejects', async () => {
    const redis = fakeRedis();
    let made = 0;
    const t = onFirstReady(redis, () => (made++, thing()));
    await t.close();
    redis.emit('ready');
    expect(made).toBe(0);
    expect(t.current()).toBeNull();
    await expect(t.made).rejects.toThrow('closed before Redis answered');
  });

  it('a factory that throws rejects `made`', async () => {
    const redis = fakeRedis();
    const t = onFirstReady(redis, () => {
      throw new Error('bad options');
    });
    redis.emit('ready');
    await expect(t.made).rejects.toThrow('bad options');
    await t.close();
  });
});
