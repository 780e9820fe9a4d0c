import type { LuaScript } from './lua-script.js';

/** A command argument: strings and numbers as Redis stores them, Buffers as bytes. */
export type RedisArg = string | number | Buffer;

/**
 * The Redis commands and scripts Vigil's stores use, and nothing else: the one way into Redis
 * for every store (`src/stores/`). Shaped like BullMQ's own client interface
 * (`bullmq/dist/esm/interfaces/redis-client.d.ts`): one method per command, named after it,
 * options as objects, scripts by definition; implemented once, on ioredis, for a single node,
 * Sentinel and Cluster alike (`src/platform/redis/ioredis-port.ts`). Built only by
 * `src/platform/redis/redis-connections.ts` (docs/redis.md).
 *
 * Keys are full key names (the stores add the prefix). In a Cluster every command goes to the
 * node holding its key's slot; a script's keys must share one slot (the stores' hash tags).
 *
 * Replies are Redis's own, unconverted: `hgetall` is the flat `[field, value, …]` list, which
 * the stores read in one pass without building an object first. A command rejects with
 * Redis's error reply, or at once when the connection is not up (request connections do not
 * queue while disconnected). No command has a timer of its own: callers bound a call with
 * `withDeadline` (src/platform/deadline.ts), which is not fooled by a late event loop.
 */
export interface RedisPort {
  /** The connection's role, for logs and metrics: `reads`, `writes` or `background`. */
  readonly name: string;
  ping(): Promise<string>;
  exists(key: string): Promise<number>;
  del(key: string): Promise<number>;
  expire(key: string, seconds: number): Promise<number>;
  /** The hash as Redis sends it: `[field, value, field, value, …]`; `[]` when there is none. */
  hgetall(key: string): Promise<string[]>;
  hget(key: string, field: string): Promise<string | null>;
  hmget(key: string, fields: readonly string[]): Promise<(string | null)[]>;
  /** HMGET with the values as bytes (compiled IP lists are binary). */
  hmgetBuffer(key: string, fields: readonly string[]): Promise<(Buffer | null)[]>;
  /** HSET of `[field, value, field, value, …]`; resolves to the number of fields added. */
  hset(key: string, fieldsAndValues: readonly RedisArg[]): Promise<number>;
  hdel(key: string, fields: readonly string[]): Promise<number>;
  hlen(key: string): Promise<number>;
  /** ZADD of one member; `GT` only raises an existing score. */
  zadd(key: string, score: number, member: string, options?: { GT?: boolean }): Promise<number>;
  zscore(key: string, member: string): Promise<string | null>;
  zremrangebyscore(key: string, min: number | '-inf', max: number | '+inf'): Promise<number>;
  zcard(key: string): Promise<number>;
  /** ZRANGE by rank, members only. */
  zrange(key: string, start: number, stop: number): Promise<string[]>;
  /**
   * Run a Lua script over `keys` (exactly `script.numberOfKeys` of them) and `args`: EVALSHA,
   * and EVAL once when the node does not hold the script yet (a new node, a restart). BullMQ's
   * `defineCommand` + `runCommand` in one call: the script carries its own definition.
   */
  runScript(script: LuaScript, keys: readonly string[], args: readonly RedisArg[]): Promise<unknown>;
}

/**
 * The request path's two connections, as the stores take them. `reads` carries only commands
 * that a `CLIENT PAUSE WRITE` (what a failover does) lets through, so loads are answered during
 * the pause; everything else goes on `writes`, where a paused command holds up only the
 * commands behind it (docs/redis.md, "Connections").
 */
export interface RequestPorts {
  reads: RedisPort;
  writes: RedisPort;
}
