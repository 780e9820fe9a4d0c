import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ERROR_CODES, VigilError, type ErrorCode } from '../errors.js';

/** The error body of every failed request (docs/api.md, "Requests and errors"). */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; request_id: string };
}

/** Fastify's own error codes, mapped to ours so no client error surfaces as a 500. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_VALIDATION: 'invalid_request',
};

function toVigilError(err: FastifyError): VigilError {
  if (err instanceof VigilError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues = err.validation.map((v) => {
      const path = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
      return path ? `${path}: ${v.message}` : v.message;
    });
    return new VigilError('invalid_request', `${err.validationContext ?? 'body'} is invalid: ${issues.join('; ')}`);
  }
  const mapped = err.code && Object.hasOwn(FASTIFY_CODES, err.code) ? FASTIFY_CODES[err.code] : undefined;
  if (mapped) return new VigilError(mapped, err.message, { cause: err });
  // Body parser SyntaxErrors carry status 400 but no FST code on some paths.
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) {
    return new VigilError('invalid_json', `body is not valid JSON: ${err.message}`, { cause: err });
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new VigilError('invalid_request', err.message, { cause: err });
  }
  return new VigilError('internal_error', 'internal error', { cause: err });
}

/**
 * Fastify's `frameworkErrors`: errors its router raises before any route, hook or handler runs
 * (bad percent-encoding, a path parameter over `maxParamLength`). Left to fastify they answer
 * its own body, without a request id and with the path echoed back (docs/security.md, item 4).
 * `answered` runs once the answer is sent.
 */
export function frameworkErrorHandler(maxParamLength: number, answered: (request: FastifyRequest, reply: FastifyReply) => void) {
  return (err: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const message =
      err.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? `a path parameter is longer than ${maxParamLength} characters`
        : err.code === 'FST_ERR_BAD_URL'
          ? 'the URL path is not valid percent-encoding of UTF-8'
          : 'the request could not be routed';
    const body: ErrorBody = { error: { code: 'invalid_request', message, request_id: String(request.id) } };
    reply.header('x-request-id', request.id).header('cache-control', 'no-store').status(ERROR_CODES.invalid_request.status).send(body);
    // No route, so no onResponse hook: the caller counts the answer.
    answered(request, reply);
  };
}

/** The one place that turns errors into HTTP answers. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const e = toVigilError(err);
    if (e.code === 'internal_error') request.log.error({ err }, 'unhandled error');
    const body: ErrorBody = { error: { code: e.code, message: e.message, request_id: String(request.id) } };
    if (e.retryAfterSec !== undefined) reply.header('retry-after', String(e.retryAfterSec));
    return reply.status(ERROR_CODES[e.code].status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}`, request_id: String(request.id) },
    };
    return reply.status(404).send(body);
  });
}
