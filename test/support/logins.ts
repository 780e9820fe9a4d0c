/** Addresses and browsers the HTTP and integration tests log in from. */

/** Public IPs with known DB-IP Lite records, and bogons (built-in `unroutable` list). */
export const IP = {
  london: '81.2.69.142',
  tokyo: '1.0.16.1',
  us: '8.8.8.8',
  stockholm: '89.160.20.112',
  southAfrica: '41.0.0.1',
  private: '10.0.0.1',
  testNet3: '203.0.113.7',
} as const;

/** One browser family per device, so a new device is new in both respects. */
export const BROWSERS = {
  d1: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  d2: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:132.0) Gecko/20100101 Firefox/132.0',
  d3: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  d4: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0',
  d5: 'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
} as const;
