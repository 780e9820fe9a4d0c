/**
 * The one error type of Vigil. Every failure a caller can see carries a stable `code`
 * from {@link ERROR_CODES}; `src/http/error-handler.ts` is the one place that maps codes to
 * HTTP status and body. Expected outcomes (a wrong code, an unknown device) are values, not
 * errors.
 */
export const ERROR_CODES = {
  invalid_request: { status: 400, doc: 'The body or a parameter failed validation; the message names the field.' },
  invalid_json: { status: 400, doc: 'The body is not valid JSON.' },
  invalid_ip_address: { status: 400, doc: 'An IP address given by the caller is not a valid IPv4 or IPv6 address.' },
  invalid_network: { status: 400, doc: 'A network given to the admin API is not an IPv4/IPv6 address or CIDR, or is too broad.' },
  invalid_timestamp: { status: 400, doc: 'The timestamp is not ISO 8601, is too far in the future, or is older than allowed.' },
  timestamp_not_allowed: { status: 403, doc: 'This API client may not set `timestamp` (set `allowTimestamp` on the client).' },
  unknown_application: { status: 400, doc: 'The `application` is not configured.' },
  unsupported_challenge_type: { status: 400, doc: 'No active authenticator answers this challenge type.' },
  unsupported_authenticator_type: { status: 400, doc: 'This authenticator type is not offered here (e.g. SMS without a phone provider).' },
  unauthorized: { status: 401, doc: 'Missing or wrong `Authorization: Bearer <api key>`.' },
  forbidden: { status: 403, doc: 'The API client may not use this application or route.' },
  invalid_grant: { status: 403, doc: 'The mfa_token is unknown, expired or used up, or the code or credential is wrong.' },
  expired_token: { status: 403, doc: 'The code or challenge expired; start a new challenge.' },
  association_required: { status: 403, doc: 'The user has no active authenticator; enroll one first.' },
  email_verification_required: { status: 403, doc: 'Verify the email address with this mfa_token before enrolling.' },
  not_found: { status: 404, doc: 'The route or the resource does not exist (assessment records live 10 minutes).' },
  already_completed: { status: 409, doc: 'The assessment was already committed to history.' },
  not_committable: { status: 409, doc: 'The assessment was denied or challenged; only an allowed assessment can be completed.' },
  payload_too_large: { status: 413, doc: 'The body is larger than the configured limit.' },
  too_many_attempts: { status: 429, doc: 'A rate limit was hit; Retry-After says when to try again.' },
  unsupported_media_type: { status: 415, doc: 'The body must be `application/json`.' },
  store_unavailable: { status: 503, doc: 'Redis did not answer in time; retry later.' },
  internal_error: { status: 500, doc: 'A bug. The request id in the answer finds it in the logs.' },
} as const satisfies Record<string, { status: number; doc: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class VigilError extends Error {
  override readonly name = 'VigilError';
  readonly code: ErrorCode;
  /** For `too_many_attempts`: when to try again, in whole seconds (sent as `Retry-After`). */
  readonly retryAfterSec: number | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; retryAfterSec?: number }) {
    super(message, options);
    this.code = code;
    this.retryAfterSec = options?.retryAfterSec;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}
