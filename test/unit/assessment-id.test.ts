import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ASSESSMENT_TTL_MS, classifyAssessmentId, committedAssessmentId, storedAssessmentId, unsavedAssessmentId } from '../../src/risk/assessment-id.js';

const SECRET = 'k'.repeat(32);
const T0 = Date.UTC(2026, 10, 22, 12);

describe('assessment ids', () => {
  it('makes receipts that are RFC 9562 v8 UUIDs dated by their creation time', () => {
    const id = committedAssessmentId(SECRET, 'web', T0);
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(id[14]).toBe('8');
    expect('89ab').toContain(id[19]);
    expect(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(T0);
    expect(committedAssessmentId(SECRET, 'web', T0)).not.toBe(id);
  });

  it('reads a receipt as committed for its own client within 10 minutes, and as unknown otherwise', () => {
    const id = committedAssessmentId(SECRET, 'web', T0);
    expect(classifyAssessmentId(SECRET, id, 'web', T0)).toBe('committed');
    expect(classifyAssessmentId(SECRET, id, 'web', T0 + ASSESSMENT_TTL_MS)).toBe('committed');
    expect(classifyAssessmentId(SECRET, id, 'web', T0 + ASSESSMENT_TTL_MS + 1)).toBe('unknown');
    expect(classifyAssessmentId(SECRET, id, 'ropg', T0)).toBe('unknown');
    expect(classifyAssessmentId('x'.repeat(32), id, 'web', T0)).toBe('unknown');
    // Dated well in the future: not one of ours.
    expect(classifyAssessmentId(SECRET, id, 'web', T0 - 5 * 60_000)).toBe('unknown');
  });

  it('rejects a receipt with any bit changed', () => {
    const id = committedAssessmentId(SECRET, 'web', T0);
    const hex = id.replaceAll('-', '');
    for (let i = 0; i < 32; i++) {
      if (i === 12) continue; // the version nibble: changing it makes a stored id, checked below
      const flipped = hex.slice(0, i) + ((Number.parseInt(hex[i]!, 16) ^ 1).toString(16)) + hex.slice(i + 1);
      expect(classifyAssessmentId(SECRET, flipped, 'web', T0), `nibble ${i}`).toBe('unknown');
    }
  });

  it('sends v4 ids, and anything not a v8 receipt, to the stored records', () => {
    expect(classifyAssessmentId(SECRET, storedAssessmentId(), 'web', T0)).toBe('stored');
    expect(classifyAssessmentId(SECRET, randomUUID(), 'ropg', T0)).toBe('stored');
    expect(classifyAssessmentId(SECRET, 'not-an-id', 'web', T0)).toBe('unknown');
  });

  it('reads the id of an assessment made without Redis as unsaved, for its own client within 10 minutes only', () => {
    const id = unsavedAssessmentId(SECRET, 'web', T0);
    expect(z.uuid().safeParse(id).success).toBe(true);
    expect(classifyAssessmentId(SECRET, id, 'web', T0 + ASSESSMENT_TTL_MS)).toBe('unsaved');
    expect(classifyAssessmentId(SECRET, id, 'web', T0 + ASSESSMENT_TTL_MS + 1)).toBe('unknown');
    expect(classifyAssessmentId(SECRET, id, 'ropg', T0)).toBe('unknown');
    expect(classifyAssessmentId('x'.repeat(32), id, 'web', T0)).toBe('unknown');
    // The two kinds never read as each other.
    expect(classifyAssessmentId(SECRET, committedAssessmentId(SECRET, 'web', T0), 'web', T0)).toBe('committed');
  });
});
