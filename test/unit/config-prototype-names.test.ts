import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { findApplication } from '../../src/find-application.js';
import { hashApiKey } from '../../src/http/auth.js';
import { applyOverrides } from '../../src/risk/scoring/apply-overrides.js';
import type { Assessment, AssessorName } from '../../src/risk/assessors/types.js';

/**
 * Regression (issue 17, item 1): names every object inherits from `Object.prototype` passed for
 * configured applications, in requests and in the config's own cross-references (`"constructor"
 * in {}` is true). They are unknown everywhere now, and refused as application names at load.
 */
const KEY_HASH = hashApiKey('k');
const INHERITED = ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__', '__defineGetter__'];

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('names inherited from Object.prototype', () => {
  it.each(INHERITED)('finds no application "%s" unless one is configured under that name', (name) => {
    const config = loadConfig({}, { applications: { default: {}, web: {} } });
    expect(findApplication(config, name)).toBeUndefined();
    expect(findApplication(config, 'web')).toEqual(config.applications.web);
  });

  it.each(INHERITED)('refuses a client or deny rule that names application "%s"', (name) => {
    const client = { clients: [{ id: 'a', keyHash: KEY_HASH, applications: [name] }] };
    expect(configError(() => loadConfig({}, client))).toContain(`unknown application "${name}"`);
    const rule = { denyRules: [{ name: 'r', allOf: [{ code: 'no_match' }], applications: [name] }] };
    expect(configError(() => loadConfig({}, rule))).toContain(`unknown application "${name}"`);
  });

  it.each(INHERITED)('refuses "%s" as an application name, as a JSON file would give it', (name) => {
    const file = JSON.parse(`{"applications": {"default": {}, ${JSON.stringify(name)}: {"mfaPolicy": "never"}}}`) as unknown;
    expect(configError(() => loadConfig({}, file))).toContain(`application name "${name}" is reserved`);
  });

  it('applies no override that only an inherited property would supply', () => {
    const results = {
      NewDevice: { confidence: 'low', code: 'constructor' },
      ImpossibleTravel: { confidence: 'low', code: 'toString' },
      UntrustedIP: { confidence: 'high', code: 'not_found_on_deny_list' },
    } as unknown as Record<AssessorName, Assessment>;
    const out = applyOverrides(results, { NewDevice: {}, ImpossibleTravel: { no_match: 'low' }, UntrustedIP: { not_found_on_deny_list: 'medium' } });
    expect(out.NewDevice.confidence).toBe('low');
    expect(out.ImpossibleTravel.confidence).toBe('low');
    expect(out.UntrustedIP.confidence).toBe('medium');
  });
});
