import type { Socket } from 'node:net';
import type { Redis } from 'ioredis';

/**
 * Send every command a connection gets in one turn of the event loop in one socket write: the
 * turn's first command starts collecting what ioredis writes, as one string, and
 * `setImmediate` (after the turn's I/O callbacks) writes it. The batching of ioredis
 * auto-pipelining without its pipelines, whose commands and replies outlived scavenges under
 * load (bench/README.md, "What each optimisation moved"): each command keeps its own promise, and
 * nothing outlives its reply. One string rather than a corked socket: node's `writev` of one
 * chunk per command cost more than the joining. A command written as bytes (a Buffer argument)
 * goes out after what was collected before it, so the order never changes. For a Cluster it is
 * installed on each node's connection as ioredis adds it.
 */
export function coalesceWrites(redis: Redis): void {
  const send = redis.sendCommand.bind(redis);
  let socket: Socket | null = null;
  let write: Socket['write'] | null = null;
  let out = '';
  const flush = () => {
    if (out !== '' && socket && write) write.call(socket, out);
    out = '';
  };
  function collect(this: Socket, chunk: unknown, ...rest: unknown[]): boolean {
    if (typeof chunk === 'string' && rest.length === 0) {
      out += chunk;
      return true;
    }
    flush();
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  }
  const release = () => {
    const s = socket!;
    s.write = write!;
    // A socket closed meanwhile failed its commands already: nothing to send.
    if (s.writable) flush();
    else out = '';
    socket = null;
  };
  redis.sendCommand = (command, stream) => {
    const current = redis.stream as Socket | undefined;
    if (socket === null && stream === undefined && redis.status === 'ready' && current?.writable) {
      socket = current;
      write = current.write;
      current.write = collect as Socket['write'];
      setImmediate(release);
    }
    return send(command, stream);
  };
}
