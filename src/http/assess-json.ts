import type { Assessment } from '../assessors/types.js';
import type { AssessResponse } from '../service/assess-login.js';

/**
 * The `/v1/assess` answer as JSON, the same text `JSON.stringify` gives (the unit test holds
 * them equal), at a fraction of its cost: V8's stringifier looks up and escapes every key of
 * every object on every call, ~40k instructions an answer, a tenth of an assessment
 * (README "What each optimisation moved"). Here the fixed keys are literals, strings from a
 * closed set (confidences, sources) are written as they are, and those from outside (ip, user
 * agent family, place names) go through {@link str}. Details and the decision, whose shapes
 * vary, go through {@link json}, a plain-data `JSON.stringify`.
 */
export function assessJson(r: AssessResponse): string {
  const ra = r.risk_assessment;
  const c = r.context;
  const loc = c.location;
  return (
    `{"assessment_id":${str(r.assessment_id)},"risk_assessment":{"confidence":"${ra.confidence}","version":"1","assessments":${assessments(ra.assessments)}}` +
    `,"score":${num(r.score)},"decision":${json(r.decision)}` +
    `,"committed":${r.committed},"context":{"ip":${c.ip === null ? 'null' : str(c.ip)},"ip_source":"${c.ip_source}"` +
    `,"ua_family":${c.ua_family === null ? 'null' : str(c.ua_family)}` +
    `,"location":${loc === null ? 'null' : `{"country":${loc.country === null ? 'null' : str(loc.country)},"city":${loc.city === null ? 'null' : str(loc.city)}}`}` +
    `,"history":"${c.history}"}}`
  );
}

/** The assessments record, in its own key order. */
function assessments(all: Record<string, Assessment>): string {
  let out = '{';
  for (const name in all) {
    const a = all[name]!;
    if (out.length > 1) out += ',';
    out += `${str(name)}:{"confidence":"${a.confidence}","code":${str(a.code)}${a.details === undefined ? '' : `,"details":${json(a.details)}`}}`;
  }
  return `${out}}`;
}

/** Characters `JSON.stringify` escapes: controls, quote, backslash, and any surrogate (lone ones become `\u` escapes). */
const NEEDS_ESCAPE = /[\u0000-\u001f"\\\ud800-\udfff]/;

function str(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

function num(n: number): string {
  return Number.isFinite(n) ? String(n) : 'null';
}

/**
 * `JSON.stringify` of plain data: strings, numbers, booleans, null, arrays and objects of them.
 * Anything else (a `toJSON`, a bigint, a class instance) is handed to `JSON.stringify` itself.
 */
function json(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return str(v);
    case 'number':
      return num(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      break;
    default:
      return JSON.stringify(v);
  }
  if (v === null) return 'null';
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      // As JSON.stringify: in arrays, what has no JSON form is null.
      out += (i === 0 ? '' : ',') + (item === undefined || typeof item === 'function' || typeof item === 'symbol' ? 'null' : json(item));
    }
    return `${out}]`;
  }
  if (Object.getPrototypeOf(v) !== Object.prototype || typeof (v as { toJSON?: unknown }).toJSON === 'function') return JSON.stringify(v);
  let out = '{';
  const o = v as Record<string, unknown>;
  for (const key in o) {
    const item = o[key];
    // As JSON.stringify: in objects, what has no JSON form is left out.
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    out += `${out.length > 1 ? ',' : ''}${str(key)}:${json(item)}`;
  }
  return `${out}}`;
}
