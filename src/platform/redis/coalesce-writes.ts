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
 * joins the turn's write too: the turn's text so far becomes bytes beside it, in order, and the
 * write is their concatenation. For a Cluster it is installed on each node's connection as
 * ioredis adds it.
 */
export function coalesceWrites(redis: Redis): void {
  const send = redis.sendCommand.bind(redis);
  let socket: Socket | null = null;
  let write: Socket['write'] | null = null;
  // The turn's text since the last bytes, and what came before it when a command was bytes.
  let out = '';
  let bytes: Buffer[] = [];
  const flush = () => {
    if (bytes.length > 0) {
      if (out !== '') bytes.push(Buffer.from(out, 'utf8'));
      if (socket && write) write.call(socket, Buffer.concat(bytes));
    } else if (out !== '' && socket && write) write.call(socket, out);
    out = '';
    bytes = [];
  };
  function collect(this: Socket, chunk: unknown, ...rest: unknown[]): boolean {
    if (rest.length === 0 && typeof chunk === 'string') {
      out += chunk;
      return true;
    }
    if (rest.length === 0 && Buffer.isBuffer(chunk)) {
      if (out !== '') bytes.push(Buffer.from(out, 'utf8'));
      bytes.push(chunk);
      out = '';
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
    else {
      out = '';
      bytes = [];
    }
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
