import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { BOGON_NETWORKS } from '../../src/intel/bogons.js';
import { IpIntel } from '../../src/intel/intel.js';

describe('IpIntel', () => {
  const intel = IpIntel.fromSources([
    { name: 'abuse', category: 'abuse', networks: ['1.2.3.4/32', '198.51.100.0/24'], skipped: 2 },
    { name: 'dc', category: 'datacenter', networks: ['1.2.0.0/16', '2001:db8:1::/48', '2600:1f00::/24'] },
  ]);

  it('returns every source that holds the address, bogons first', () => {
    expect(intel.lookup('1.2.3.4', 4)).toEqual([
      { network: '1.2.3.4/32', source: 'abuse', category: 'abuse' },
      { network: '1.2.0.0/16', source: 'dc', category: 'datacenter' },
    ]);
    expect(intel.lookup('198.51.100.9', 4)).toEqual([
      { network: '198.51.100.0/24', source: 'bogons', category: 'unroutable' },
      { network: '198.51.100.0/24', source: 'abuse', category: 'abuse' },
    ]);
    expect(intel.lookup('2001:db8:1::5', 6).map((m) => m.source)).toEqual(['bogons', 'dc']);
    expect(intel.lookup('2600:1f18::1', 6)).toEqual([{ network: '2600:1f00::/24', source: 'dc', category: 'datacenter' }]);
  });

  it('returns nothing for a clean address or unparsable text', () => {
    expect(intel.lookup('8.8.8.8', 4)).toEqual([]);
    expect(intel.lookup('2001:4860:4860::8888', 6)).toEqual([]);
    expect(intel.lookup('garbage', 4)).toEqual([]);
    expect(intel.lookup('garbage', 6)).toEqual([]);
  });

  it('reports source sizes', () => {
    expect(intel.sources()).toEqual([
      { name: 'bogons', category: 'unroutable', size: BOGON_NETWORKS.length - 1, skipped: 0 },
      { name: 'abuse', category: 'abuse', size: 2, skipped: 2 },
      { name: 'dc', category: 'datacenter', size: 3, skipped: 0 },
    ]);
  });

  it('refuses duplicate or reserved source names', () => {
    expect(() => IpIntel.fromSources([{ name: 'bogons', category: 'abuse', networks: [] }])).toThrow(ConfigError);
    expect(() =>
      IpIntel.fromSources([
        { name: 'x', category: 'abuse', networks: [] },
        { name: 'x', category: 'datacenter', networks: [] },
      ]),
    ).toThrow(/used twice/);
  });

  it('hands out frozen matches, so one request cannot alter another', () => {
    const [m] = intel.lookup('1.2.3.4', 4);
    expect(Object.isFrozen(m)).toBe(true);
  });
});

describe('IpIntel.load', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-intel-'));
    await writeFile(join(dir, 'ipsum.txt'), '# ipsum\n5.6.7.8\t4\nbogus line\n');
    await writeFile(join(dir, 'vpn.txt'), '45.0.0.0/16\n2a0d:5600::/29\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads the configured files', async () => {
    const intel = await IpIntel.load([
      { name: 'ipsum', path: join(dir, 'ipsum.txt'), category: 'abuse' },
      { name: 'vpn', path: join(dir, 'vpn.txt'), category: 'anonymizer' },
    ]);
    expect(intel.lookup('5.6.7.8', 4)).toEqual([{ network: '5.6.7.8/32', source: 'ipsum', category: 'abuse' }]);
    expect(intel.lookup('2a0d:5600::1', 6)).toEqual([{ network: '2a0d:5600::/29', source: 'vpn', category: 'anonymizer' }]);
    expect(intel.sources().map((s) => [s.name, s.size, s.skipped])).toEqual([
      ['bogons', BOGON_NETWORKS.length - 1, 0],
      ['ipsum', 1, 1],
      ['vpn', 2, 0],
    ]);
  });

  it('includes the bogons with no lists configured', async () => {
    const intel = await IpIntel.load([]);
    expect(intel.lookup('10.1.2.3', 4)).toEqual([{ network: '10.0.0.0/8', source: 'bogons', category: 'unroutable' }]);
  });

  it('fails with a ConfigError naming a missing file', async () => {
    await expect(IpIntel.load([{ name: 'gone', path: join(dir, 'nope.txt'), category: 'abuse' }])).rejects.toThrow(
      /Cannot read IP list "gone"/,
    );
  });
});
