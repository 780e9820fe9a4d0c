import { z } from 'zod';
import { ASSESSOR_NAMES } from './assessors/types.js';

/**
 * The answer of `POST /v1/assess`, described once: the route's response schema (and so the
 * OpenAPI document) and the use case's return type (`AssessResponse`) are both this. Strict
 * objects, so a test that parses real answers with it notices a field the schema lacks.
 */

const confidence = z.enum(['high', 'medium', 'low', 'neutral']);
const assessment = z.strictObject({
  confidence,
  code: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const assessAnswer = z.strictObject({
  assessment_id: z.string(),
  risk_assessment: z.strictObject({
    confidence,
    version: z.literal('1'),
    assessments: z.strictObject(Object.fromEntries(ASSESSOR_NAMES.map((n) => [n, assessment])) as Record<(typeof ASSESSOR_NAMES)[number], typeof assessment>),
  }),
  score: z.number().min(0).max(1).describe('Risk in [0, 1]: 0.5 where challenges start (docs/risk-model.md, "Combining").'),
  evidence: z
    .strictObject({ nats: z.number(), terms: z.record(z.string(), z.number()) })
    .optional()
    .describe('The evidence combiner: what each signal added, in nats, and their sum.'),
  decision: z.strictObject({
    action: z.enum(['allow', 'challenge', 'deny']),
    reasons: z.array(z.string()),
    remembered_browser: z
      .literal(true)
      .optional()
      .describe('Present when a remembered browser is why the `always` policy allowed the login; the risk and a step-up request still challenge.'),
    mfa: z
      .strictObject({
        enrolled: z.boolean(),
        step: z.enum(['email_verification', 'challenge']),
        enrollment: z.enum(['optional', 'required']).optional(),
        factors: z.array(z.string()),
        mfa_token: z.string().optional().describe('Pass to the /v1/mfa routes; valid 10 minutes, bound to this user and client.'),
      })
      .optional(),
  }),
  committed: z.boolean(),
  context: z.strictObject({
    ip: z.string().nullable(),
    ip_source: z.enum(['forwarded_for', 'body', 'connection']),
    ua_family: z.string().nullable(),
    location: z.strictObject({ country: z.string().nullable(), city: z.string().nullable() }).nullable(),
    history: z.enum(['loaded', 'unavailable', 'lost']),
  }),
});

/** The answer of `POST /v1/assess`. */
export type AssessResponse = z.infer<typeof assessAnswer>;
