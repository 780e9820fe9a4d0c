import { describe, expect, it } from 'vitest';
import { parseListText } from '../../src/intel/list-file.js';

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
      networks: ['1.2.3.4/32', '10.0.0.0/8', '192.0.2.0/24', '198.51.100.1/32', '2001:db8::/32', '2001:db8::1/128'],
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
    expect(parseListText(text)).toEqual({ networks: ['1.2.3.4/32', '5.6.7.8/32'], skipped: 7 });
  });

  it('reads ipsum lines (IP<TAB>count) and filters by minCount', () => {
    const text = '# ipsum\n# IP\tnumber of (black)lists\n1.1.1.1\t9\n2.2.2.2\t3\n3.3.3.3\t1\n4.4.4.4\n';
    expect(parseListText(text).networks).toEqual(['1.1.1.1/32', '2.2.2.2/32', '3.3.3.3/32', '4.4.4.4/32']);
    // A line without a count is kept: the filter is about ipsum's confidence, not other formats.
    expect(parseListText(text, { minCount: 3 })).toEqual({ networks: ['1.1.1.1/32', '2.2.2.2/32', '4.4.4.4/32'], skipped: 0 });
  });

  it('tolerates a byte-order mark, CRLF, and an empty text', () => {
    expect(parseListText('\ufeff1.2.3.4\r\n5.6.7.0/24\r\n').networks).toEqual(['1.2.3.4/32', '5.6.7.0/24']);
    expect(parseListText('')).toEqual({ networks: [], skipped: 0 });
  });
});
