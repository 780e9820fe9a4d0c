/**
 * Addresses a login can never genuinely come from over the public internet: the IANA
 * special-purpose registries (RFC 6890 and its updates) and multicast/reserved space.
 * A login service that forwards one of these either sits behind a proxy it did not
 * configure as trusted or was handed a forged address.
 *
 * Sources: https://www.iana.org/assignments/iana-ipv4-special-registry and
 * https://www.iana.org/assignments/iana-ipv6-special-registry (not-globally-reachable rows),
 * plus IPv4 multicast and class E (RFC 5771, RFC 1112) and IPv6 multicast (RFC 4291).
 */
export const BOGON_NETWORKS: readonly string[] = [
  '0.0.0.0/8', // "this network" (RFC 791)
  '10.0.0.0/8', // private (RFC 1918)
  '100.64.0.0/10', // carrier-grade NAT shared space (RFC 6598)
  '127.0.0.0/8', // loopback (RFC 1122)
  '169.254.0.0/16', // link-local (RFC 3927)
  '172.16.0.0/12', // private (RFC 1918)
  '192.0.0.0/24', // IETF protocol assignments (RFC 6890)
  '192.0.2.0/24', // TEST-NET-1, documentation (RFC 5737)
  '192.88.99.0/24', // deprecated 6to4 relay anycast (RFC 7526)
  '192.168.0.0/16', // private (RFC 1918)
  '198.18.0.0/15', // benchmarking (RFC 2544)
  '198.51.100.0/24', // TEST-NET-2, documentation (RFC 5737)
  '203.0.113.0/24', // TEST-NET-3, documentation (RFC 5737)
  '224.0.0.0/4', // multicast (RFC 5771)
  '240.0.0.0/4', // reserved, class E (RFC 1112)
  '255.255.255.255/32', // limited broadcast (RFC 919); inside 240/4, listed for clarity

  '::/128', // unspecified (RFC 4291)
  '::1/128', // loopback (RFC 4291)
  '64:ff9b:1::/48', // local-use IPv4/IPv6 translation (RFC 8215); not the global 64:ff9b::/96
  '100::/64', // discard-only (RFC 6666)
  // IETF protocol assignments (RFC 2928): 2001:0000:: – 2001:01ff:ffff::, so Google's
  // 2001:4860::/32 and every other 2001:0200:: and above allocation stay routable. It holds
  // Teredo (2001::/32) and a few anycast services, none a plausible end-user source in 2026.
  '2001::/23',
  '2001:db8::/32', // documentation (RFC 3849)
  'fc00::/7', // unique local (RFC 4193)
  'fe80::/10', // link-local unicast (RFC 4291)
  'ff00::/8', // multicast (RFC 4291)
];
