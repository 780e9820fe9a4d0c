import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { associate, confirmAssociation } from '../../mfa/associate.js';
import { listForToken, regenerateRecoveryCodes } from '../../mfa/authenticators.js';
import { challenge } from '../../mfa/challenge.js';
import type { MfaDeps } from '../../mfa/mfa-deps.js';
import { startEmailVerification, verifyEmail } from '../../mfa/email-verification.js';
import { verify } from '../../mfa/verify.js';
import { callerOf } from '../caller.js';
import {
  associateBody,
  authenticatorView,
  challengeBody,
  confirmBody,
  emailVerifyBody,
  mfaTokenHeader,
  openObject,
  resultResponse,
  tokenOnlyBody,
  verifyBody,
} from '../mfa-schemas.js';
import { errorResponse } from '../schemas.js';

const errors = { '4xx': errorResponse, '5xx': errorResponse };
const common = { tags: ['mfa'], security: [{ bearer: [] }] };

/** The `/v1/mfa` routes: each needs the API key and the mfa_token of a challenged assessment. */
export const mfaRoutes = (deps: MfaDeps): FastifyPluginAsyncZod => async (app) => {
  app.get('/v1/mfa/authenticators', {
    schema: { ...common, summary: "The token's user's active authenticators", headers: mfaTokenHeader, response: { 200: z.array(authenticatorView), ...errors } },
    handler: (request) => listForToken(deps, callerOf(request), request.headers['x-mfa-token']),
  });

  app.post('/v1/mfa/email-verification', {
    schema: { ...common, summary: 'Send the email verification code (users without a factor)', body: tokenOnlyBody, response: { 200: openObject, ...errors } },
    handler: (request) => startEmailVerification(deps, callerOf(request), request.body.mfa_token),
  });

  app.post('/v1/mfa/email-verification/verify', {
    schema: { ...common, summary: 'Check the email verification code', body: emailVerifyBody, response: { 200: openObject, ...errors } },
    handler: (request) => verifyEmail(deps, callerOf(request), request.body.mfa_token, request.body.code),
  });

  app.post('/v1/mfa/associate', {
    schema: { ...common, summary: 'Start enrolling an authenticator', body: associateBody, response: { 200: openObject, ...errors } },
    handler: (request) => {
      const { mfa_token, ...input } = request.body;
      return associate(deps, callerOf(request), mfa_token, input);
    },
  });

  app.post('/v1/mfa/associate/confirm', {
    schema: { ...common, summary: 'Activate an authenticator with its first proof', body: confirmBody, response: { 200: openObject, ...errors } },
    handler: (request) => {
      const { mfa_token, authenticator_id, remember_browser, ...proof } = request.body;
      return confirmAssociation(deps, callerOf(request), mfa_token, authenticator_id, proof, remember_browser === true);
    },
  });

  app.post('/v1/mfa/challenge', {
    schema: { ...common, summary: 'Start a challenge (sends a code, or returns WebAuthn options)', body: challengeBody, response: { 200: openObject, ...errors } },
    handler: (request) =>
      challenge(deps, callerOf(request), request.body.mfa_token, {
        authenticatorId: request.body.authenticator_id,
        challengeType: request.body.challenge_type,
      }),
  });

  app.post('/v1/mfa/verify', {
    schema: {
      ...common,
      summary: 'Verify a second factor; returns the signed result token',
      body: verifyBody,
      response: { 200: resultResponse.extend({ authenticator_type: z.string(), recovery_codes_remaining: z.number().optional() }), ...errors },
    },
    handler: (request) => {
      const { mfa_token, remember_browser, ...input } = request.body;
      return verify(deps, callerOf(request), mfa_token, input, remember_browser === true);
    },
  });

  app.post('/v1/mfa/recovery-codes/regenerate', {
    schema: { ...common, summary: 'Replace the recovery codes (after a factor was proven)', body: tokenOnlyBody, response: { 200: openObject, ...errors } },
    handler: (request) => regenerateRecoveryCodes(deps, callerOf(request), request.body.mfa_token),
  });
};

/** `GET /.well-known/jwks.json`: the keys that verify result tokens. */
export const jwksRoutes = (deps: Pick<MfaDeps, 'mfa'>): FastifyPluginAsyncZod => async (app) => {
  app.get('/.well-known/jwks.json', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return deps.mfa.signer.jwks();
  });
};
