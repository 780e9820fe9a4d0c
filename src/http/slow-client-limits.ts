/**
 * Node's HTTP server options that cut slow clients (docs/security.md, item 5): the whole request,
 * headers included, must arrive within `requestTimeoutMs`, or the server answers 408 and closes
 * the connection, also after an early answer such as a 401. fastify leaves the request timeout
 * off; Node checks it every `connectionsCheckingInterval` (30 s by default), so a quarter of the
 * timeout, at most a second, bounds how late the cut comes.
 */
export function slowClientLimits(requestTimeoutMs: number) {
  return {
    requestTimeout: requestTimeoutMs,
    http: {
      requestTimeout: requestTimeoutMs,
      headersTimeout: requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, Math.max(10, Math.floor(requestTimeoutMs / 4))),
    },
  };
}
