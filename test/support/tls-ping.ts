/**
 * Run by test/integration/resp-connection-tls.test.ts in a child process, whose
 * NODE_EXTRA_CA_CERTS decides whether the test CA is trusted: connects to argv[2] and prints
 * PONG, or the connection's status after the wait.
 */
import pino from 'pino';
import { RespConnection } from '../../src/history/resp-connection.js';

const c = new RespConnection({ url: process.argv[2]!, timeoutMs: 2000, logger: pino({ level: 'silent' }), name: 'tls-test' });
const answer = await Promise.race([c.ready().then(() => c.send(['PING'])), new Promise((r) => setTimeout(() => r(c.status), 1500))]);
process.stdout.write(String(answer));
c.close();
