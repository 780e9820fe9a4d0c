import type { Redis } from 'ioredis';

/**
 * Send every command a connection gets in one turn of the event loop in one socket write: the
 * socket is corked at the turn's first command and uncorked in `setImmediate`, after the turn's
 * I/O callbacks. The batching of ioredis auto-pipelining without its pipelines, whose commands
 * and replies outlived scavenges under load (README "What each optimisation moved"): each
 * command keeps its own promise, and nothing outlives its reply. For a Cluster it is installed
 * on each node's connection as ioredis adds it.
 */
export function coalesceWrites(redis: Redis): void {
  const send = redis.sendCommand.bind(redis);
  let corked = false;
  redis.sendCommand = (command, stream) => {
    const socket = redis.stream;
    if (!corked && redis.status === 'ready' && socket?.writable) {
      corked = true;
      socket.cork();
      setImmediate(() => {
        corked = false;
        socket.uncork();
      });
    }
    return send(command, stream);
  };
}
