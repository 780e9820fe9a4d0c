import { z } from 'zod';

/** The message of every refused ill-formed string; the field's path comes before it. */
export const ILL_FORMED = 'must be well-formed Unicode (a lone UTF-16 surrogate is not)';

/**
 * A zod string schema (`z.string()` unless another, such as `z.email()`, is given) that also
 * refuses lone UTF-16 surrogates (`"\ud83d"` in JSON: half an emoji, cut mid-pair). JavaScript
 * carries them, but they have no UTF-8 form: Redis gets U+FFFD in their place, so ids differing
 * only in them share a key, and Lua's cjson refuses to decode a stored record holding one
 * (docs/security.md, item 2). Every free-form string of a request (body, path, query, header)
 * is one of these; enums, UUIDs and other patterns are ASCII already.
 */
export function wellFormed(): z.ZodString;
export function wellFormed<S extends z.ZodType<string>>(schema: S): S;
export function wellFormed(schema: z.ZodType<string> = z.string()): z.ZodType<string> {
  return schema.refine((s) => s.isWellFormed(), ILL_FORMED);
}
