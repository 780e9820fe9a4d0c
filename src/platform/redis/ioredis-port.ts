import type { Cluster, Redis } from 'ioredis';
import type { LuaScript } from './lua-script.js';
import type { RedisArg, RedisPort } from './redis-port.js';

/** An ioredis client: one node (direct or through Sentinel) or a Cluster. */
export type IoredisClient = Redis | Cluster;

/**
 * {@link RedisPort} on ioredis, the same for a single node, Sentinel and Cluster: ioredis routes
 * each command of a Cluster to the node of its key's slot, follows MOVED and ASK, and reloads
 * the slot map after a failover; through Sentinel it finds the current master.
 *
 * Commands go through `call` with their names in capitals, which ioredis sends as they are:
 * no reply transformer applies (its `hgetall` would build an object the stores then take
 * apart), and the slot is still found from the command's keys.
 */
export function ioredisPort(client: IoredisClient, name: string): RedisPort {
  return new IoredisPort(client, name);
}

class IoredisPort implements RedisPort {
  constructor(
    private readonly client: IoredisClient,
    readonly name: string,
  ) {}

  ping(): Promise<string> {
    return this.client.call('PING') as Promise<string>;
  }

  exists(key: string): Promise<number> {
    return this.client.call('EXISTS', key) as Promise<number>;
  }

  del(key: string): Promise<number> {
    return this.client.call('DEL', key) as Promise<number>;
  }

  expire(key: string, seconds: number): Promise<number> {
    return this.client.call('EXPIRE', key, seconds) as Promise<number>;
  }

  hgetall(key: string): Promise<string[]> {
    return this.client.call('HGETALL', key) as Promise<string[]>;
  }

  hget(key: string, field: string): Promise<string | null> {
    return this.client.call('HGET', key, field) as Promise<string | null>;
  }

  hmgetBuffer(key: string, fields: readonly string[]): Promise<(Buffer | null)[]> {
    return this.client.callBuffer('HMGET', key, ...fields) as Promise<(Buffer | null)[]>;
  }

  hset(key: string, fieldsAndValues: readonly RedisArg[]): Promise<number> {
    return this.client.call('HSET', key, ...fieldsAndValues) as Promise<number>;
  }

  hdel(key: string, fields: readonly string[]): Promise<number> {
    return this.client.call('HDEL', key, ...fields) as Promise<number>;
  }

  hlen(key: string): Promise<number> {
    return this.client.call('HLEN', key) as Promise<number>;
  }

  zadd(key: string, score: number, member: string, options?: { GT?: boolean }): Promise<number> {
    return (options?.GT ? this.client.call('ZADD', key, 'GT', score, member) : this.client.call('ZADD', key, score, member)) as Promise<number>;
  }

  zscore(key: string, member: string): Promise<string | null> {
    return this.client.call('ZSCORE', key, member) as Promise<string | null>;
  }

  zremrangebyscore(key: string, min: number | '-inf', max: number | '+inf'): Promise<number> {
    return this.client.call('ZREMRANGEBYSCORE', key, min, max) as Promise<number>;
  }

  zcard(key: string): Promise<number> {
    return this.client.call('ZCARD', key) as Promise<number>;
  }

  runScript(script: LuaScript, keys: readonly string[], args: readonly RedisArg[]): Promise<unknown> {
    if (keys.length !== script.numberOfKeys) {
      return Promise.reject(new Error(`script ${script.name} takes ${script.numberOfKeys} keys, not ${keys.length}`));
    }
    return this.client.call('EVALSHA', script.sha, script.numberOfKeys, ...keys, ...args).catch((err: unknown) => {
      // A node that does not hold the script yet (new, restarted, failed over): send it once.
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return this.client.call('EVAL', script.lua, script.numberOfKeys, ...keys, ...args);
    });
  }
}
