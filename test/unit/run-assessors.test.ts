import { describe, expect, it } from 'vitest';
import { assessors } from '../../src/risk/assessors/index.js';
import { runAssessors } from '../../src/risk/assessors/run-assessors.js';
import { ASSESSOR_NAMES, type Assessor } from '../../src/risk/assessors/types.js';
import { NOW, history, input, lastLocation, login } from './assessor-fixtures.js';

/** A clock that moves only when a test assessor says so. */
function fakeClock() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

function stub(name: Assessor['name'], run: () => void, code = 'not_found_on_deny_list' as const): Assessor {
  return {
    name,
    assess: () => {
      run();
      return { confidence: 'high', code };
    },
  } as Assessor;
}

describe('assessors list', () => {
  it('holds one assessor per name, in ASSESSOR_NAMES order', () => {
    expect(assessors.map((a) => a.name)).toEqual([...ASSESSOR_NAMES]);
  });
});

describe('runAssessors', () => {
  it('runs every assessor by default and keys results by name', () => {
    const clock = fakeClock();
    const i = input({
      login: login({ deviceHash: 'd', uaFamily: 'u' }),
      history: history({ devices: new Map([['d', NOW]]), userAgents: new Map(), lastLocation: lastLocation() }),
    });
    const { results, timings } = runAssessors(i, { deadlineMs: 50, clock: clock.now });
    expect(results.NewDevice.code).toBe('partial_match');
    expect(results.ImpossibleTravel.code).toBe('minimal_travel_from_last_login');
    expect(results.UntrustedIP.code).toBe('not_found_on_deny_list');
    for (const name of ASSESSOR_NAMES) expect(timings[name]).toEqual({ durationMs: 0 });
  });

  it('turns a throw into assessment_not_available (low, reason error) and keeps the others', () => {
    const clock = fakeClock();
    const boom = new Error('boom');
    const list = [
      stub('NewDevice', () => clock.advance(3)),
      stub('ImpossibleTravel', () => {
        clock.advance(2);
        throw boom;
      }),
      stub('UntrustedIP', () => clock.advance(1)),
    ];
    const { results, timings } = runAssessors(input(), { deadlineMs: 50, clock: clock.now, list });
    expect(results.ImpossibleTravel).toEqual({
      confidence: 'low',
      code: 'assessment_not_available',
      details: { reason: 'error' },
    });
    expect(timings.ImpossibleTravel).toEqual({ durationMs: 2, failed: 'threw', error: boom });
    expect(results.NewDevice).toEqual({ confidence: 'high', code: 'not_found_on_deny_list' });
    expect(timings.NewDevice).toEqual({ durationMs: 3 });
    expect(timings.UntrustedIP).toEqual({ durationMs: 1 });
  });

  it('discards the answer of an assessor that ran past the deadline (reason deadline)', () => {
    const clock = fakeClock();
    const list = [
      stub('NewDevice', () => clock.advance(50)),
      stub('ImpossibleTravel', () => clock.advance(51)),
      stub('UntrustedIP', () => clock.advance(0)),
    ];
    const { results, timings } = runAssessors(input(), { deadlineMs: 50, clock: clock.now, list });
    expect(results.NewDevice.code).toBe('not_found_on_deny_list');
    expect(timings.NewDevice).toEqual({ durationMs: 50 });
    expect(results.ImpossibleTravel).toEqual({
      confidence: 'low',
      code: 'assessment_not_available',
      details: { reason: 'deadline' },
    });
    expect(timings.ImpossibleTravel).toEqual({ durationMs: 51, failed: 'deadline' });
    expect(results.UntrustedIP.code).toBe('not_found_on_deny_list');
  });

  it('reports a slow throw as threw, not deadline', () => {
    const clock = fakeClock();
    const list = [
      stub('NewDevice', () => {
        clock.advance(100);
        throw new Error('late and broken');
      }),
    ];
    const { results, timings } = runAssessors(input(), { deadlineMs: 10, clock: clock.now, list });
    expect(results.NewDevice.details).toEqual({ reason: 'error' });
    expect(timings.NewDevice.failed).toBe('threw');
  });

  it('fills an assessor missing from the list with assessment_not_available (reason not_run)', () => {
    const clock = fakeClock();
    const { results, timings } = runAssessors(input(), {
      deadlineMs: 50,
      clock: clock.now,
      list: [stub('UntrustedIP', () => {})],
    });
    expect(Object.keys(results).sort()).toEqual([...ASSESSOR_NAMES].sort());
    expect(results.NewDevice).toEqual({ confidence: 'low', code: 'assessment_not_available', details: { reason: 'not_run' } });
    expect(timings.ImpossibleTravel).toEqual({ durationMs: 0, failed: 'not_run' });
    expect(results.UntrustedIP.code).toBe('not_found_on_deny_list');
  });
});
