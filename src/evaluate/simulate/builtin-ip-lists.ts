/**
 * Built-in address ranges for runs without a data directory (a fresh clone, the tests): a few
 * real VPN and datacenter ranges, two in each of sixteen countries, so the VPN attacker finds
 * an exit in most victims' countries and the legit VPN users exit somewhere real.
 *
 * Source: X4BNet `lists_vpn` (https://github.com/X4BNet/lists_vpn), files
 * `output/vpn/ipv4.txt` and `output/datacenter/ipv4.txt`, MIT licence. The country and city in
 * each comment are what the bundled DB-IP Lite City database says of the range's first host.
 */
export const BUILTIN_VPN_RANGES: readonly string[] = [
  '2.26.157.0/24', // US, New York
  '104.253.170.0/24', // US, Santa Clara
  '2.57.28.0/22', // CA, Montreal
  '172.94.45.0/24', // CA, Pointe-Claire
  '2.58.29.0/24', // GB, Birmingham
  '104.253.202.0/24', // GB, London
  '2.57.248.0/22', // DE, Frankfurt am Main
  '168.91.110.0/23', // DE, Frankfurt am Main
  '2.57.68.0/22', // FR, Paris
  '146.70.220.0/22', // FR, Saint-Denis
  '2.56.148.0/22', // NL, Badhoevedorp
  '109.166.32.0/22', // NL, Amsterdam
  '5.183.103.0/24', // ES, Madrid
  '136.0.86.0/24', // ES, Madrid
  '37.46.149.0/24', // IT, Cosenza
  '140.99.26.0/24', // IT, Milan
  '5.183.100.0/23', // SE, Stockholm
  '104.222.172.0/22', // SE, Stockholm
  '5.252.162.0/24', // CH, Zurich
  '104.252.6.0/23', // CH, Bern
  '2.27.151.0/24', // PL, Warsaw
  '142.111.201.0/24', // PL, Warsaw
  '2.26.253.0/24', // JP, Shibuya City
  '87.82.214.0/23', // JP, Chiyoda City
  '23.26.60.0/24', // SG, Singapore
  '146.70.192.0/20', // SG, Singapore
  '38.180.128.0/23', // AU, Sydney
  '93.115.35.0/24', // AU, Albany
  '31.58.31.0/24', // BR, Sao Paulo
  '179.61.213.0/24', // BR, Brasilia
  '5.45.38.0/24', // IN, Mumbai
  '94.156.30.0/24', // IN, Mumbai
];

/** Datacenter (hosting) ranges; same source and licence as {@link BUILTIN_VPN_RANGES}. */
export const BUILTIN_DATACENTER_RANGES: readonly string[] = [
  '1.178.1.0/24', // US, Boardman
  '141.98.46.0/24', // US, Buffalo
  '1.179.60.0/23', // CA, Montreal
  '134.199.46.0/24', // CA, Toronto
  '1.178.81.0/24', // GB, London
  '134.224.122.0/24', // GB, London
  '2.16.32.0/21', // DE, Frankfurt am Main
  '128.14.164.0/22', // DE, Frankfurt am Main
  '1.179.112.0/21', // FR, Paris
  '136.226.218.0/23', // FR, Paris
  '2.16.18.0/24', // NL, Amsterdam
  '141.0.169.0/24', // NL, Amsterdam
  '2.16.54.0/23', // ES, Madrid
  '94.139.48.0/21', // ES, Barcelona
  '1.178.17.0/24', // IT, Milan
  '108.157.180.0/22', // IT, Milan
  '1.178.174.0/24', // SE, Stockholm
  '165.231.128.0/22', // SE, Stockholm
  '2.20.16.0/21', // CH, Opfikon
  '158.173.152.0/22', // CH, Zurich
  '2.17.240.0/20', // PL, Warsaw
  '119.12.28.0/22', // PL, Warsaw
  '1.178.64.0/23', // JP, Shibuya City
  '128.242.160.0/20', // JP, Shibuya City
  '2.18.24.0/21', // SG, Singapore
  '130.117.137.0/24', // SG, Singapore
  '1.44.96.0/24', // AU, Macquarie Park
  '109.122.20.0/24', // AU, South Yarra
  '2.16.0.0/20', // BR, Porto Alegre
  '148.163.220.0/22', // BR, Sao Paulo
  '1.178.88.0/21', // IN, Mumbai
  '103.190.166.0/24', // IN, Bengaluru
];
