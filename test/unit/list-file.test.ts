import { describe, expect, it } from 'vitest';
import { parseListText } from '../../src/intel/lists/list-file.js';

describe('parseListText', () => {
  it('reads addresses and CIDRs, skipping comments and blank lines', () => {
    const text = [
      '# a header comment',
      '; another comment style',
      '',
      '1.2.3.4',
      '  10.0.0.0/8  ',
      '192.0.2.0/24 # trailing comment',
      '198.51.100.1;trailing',
      '2001:DB8::/32',
      '\t',
      '2001:db8::1\r',
    ].join('\n');
    expect(parseListText(text)).toEqual({
      networks: ['1.2.3.4', '10.0.0.0/8', '192.0.2.0/24', '198.51.100.1', '2001:DB8::/32', '2001:db8::1'],
      skipped: 0,
    });
  });

  it('counts malformed lines and keeps going', () => {
    const text = [
      '1.2.3.4',
      'not an ip',
      '1.2.3.256',
      '10.0.0.0/33',
      '1.2.3.4 - 1.2.3.9',
      '1.2.3.4\tmany',
      '1.2.3.4 5 6',
      'fe80::1%eth0',
      '5.6.7.8',
    ].join('\n');
    expect(parseListText(text)).toEqual({ networks: ['1.2.3.4', '5.6.7.8'], skipped: 7 });
  });

  it('reads ipsum lines (IP<TAB>count) and filters by minCount', () => {
    const text = '# ipsum\n# IP\tnumber of (black)lists\n1.1.1.1\t9\n2.2.2.2\t3\n3.3.3.3\t1\n4.4.4.4\n';
    expect(parseListText(text).networks).toEqual(['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4']);
    // A line without a count is kept: the filter is about ipsum's confidence, not other formats.
    expect(parseListText(text, { minCount: 3 })).toEqual({ networks: ['1.1.1.1', '2.2.2.2', '4.4.4.4'], skipped: 0 });
  });

  it('reads the formats of real feeds: FireHOL netset, Spamhaus DROP, X4BNet, ipsum', () => {
    const firehol = '#\n# firehol_level1\n#\n# ipv4 hash:net ipset\n#\n0.0.0.0/8\n1.10.16.0/20\n';
    const drop = '; Spamhaus DROP List 2026/01/01\n; Last-Modified: Thu, 01 Jan 2026\n1.10.16.0/20 ; SBL256894\n2a06:e480::/29 ; SBL301771\n';
    const x4b = '2.26.157.0/24\n2001:550:1d05::/48\n';
    const ipsum = '# IPsum Threat Intelligence Feed\n#\n185.224.128.17\t10\n45.148.10.81\t2\n';
    expect(parseListText(firehol)).toEqual({ networks: ['0.0.0.0/8', '1.10.16.0/20'], skipped: 0 });
    expect(parseListText(drop)).toEqual({ networks: ['1.10.16.0/20', '2a06:e480::/29'], skipped: 0 });
    expect(parseListText(x4b)).toEqual({ networks: ['2.26.157.0/24', '2001:550:1d05::/48'], skipped: 0 });
    expect(parseListText(ipsum, { minCount: 3 })).toEqual({ networks: ['185.224.128.17'], skipped: 0 });
  });

  it('tolerates a byte-order mark, CRLF, and an empty text', () => {
    expect(parseListText('\ufeff1.2.3.4\r\n5.6.7.0/24\r\n').networks).toEqual(['1.2.3.4', '5.6.7.0/24']);
    expect(parseListText('')).toEqual({ networks: [], skipped: 0 });
  });
});
