import { describe, expect, it } from 'vitest';
import type { AnonymousInfo, GeoResult } from '../../src/intel/geo/location.js';
import { findAnonymizer } from '../../src/intel/lists/anonymizer.js';
import type { IntelMatch } from '../../src/intel/lists/types.js';

const noAnon: AnonymousInfo = { anonymous: false, vpn: false, tor: false, hosting: false, publicProxy: false, residentialProxy: false };
const geo = (flags: Partial<AnonymousInfo> | null): GeoResult => ({ location: null, anonymous: flags && { ...noAnon, ...flags } });
const hit = (category: IntelMatch['category'], source: string): IntelMatch => ({ network: '203.0.113.0/24', source, category });

describe('findAnonymizer', () => {
  it.each(['vpn', 'tor', 'publicProxy', 'residentialProxy'] as const)('the Anonymous-IP database flag %s makes an anonymizer', (flag) => {
    expect(findAnonymizer(geo({ [flag]: true }), [])).toEqual({ source: 'geoip', network: null });
  });

  it('a bare anonymous flag counts, but hosting alone does not, even with is_anonymous beside it', () => {
    expect(findAnonymizer(geo({ anonymous: true }), [])).not.toBeNull();
    expect(findAnonymizer(geo({ hosting: true }), [])).toBeNull();
    expect(findAnonymizer(geo({ anonymous: true, hosting: true }), [])).toBeNull();
  });

  it('an anonymizer list hit counts and is named; other categories do not', () => {
    expect(findAnonymizer(geo(null), [hit('datacenter', 'dc'), hit('anonymizer', 'x4bnet-vpn')])).toEqual({
      source: 'x4bnet-vpn',
      network: '203.0.113.0/24',
    });
    expect(findAnonymizer(geo(noAnon), [hit('datacenter', 'dc'), hit('abuse', 'ipsum')])).toBeNull();
  });

  it('the database wins when both say so', () => {
    expect(findAnonymizer(geo({ tor: true }), [hit('anonymizer', 'tor-exits')])).toEqual({ source: 'geoip', network: null });
  });
});
