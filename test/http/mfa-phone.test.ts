import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../src/mfa/delivery/phone-provider.js';
import { KEYS, bearer } from '../support/app.js';
import { useMfaApp, type AssessInput } from '../support/mfa.js';
import { dumpRedis, expectError, metricValue } from './helpers.js';

/**
 * SMS and voice factors over HTTP, delivered through the signed phone webhook to a gateway
 * played by a node:http server on 127.0.0.1. Without a webhook those factors are not offered.
 */
const SECRET = 'phone-webhook-secret-0123456789';
/** The gateway answers 500 for this number, as a real one does for a number it cannot reach. */
const UNREACHABLE = '+15005550001';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

describe('MFA phone factors with a webhook', () => {
  let gateway: Server;
  const received: Received[] = [];

  // Registered first: the gateway is up before the app that calls it, and closed after it.
  beforeAll(async () => {
    gateway = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        received.push({ headers: req.headers, body });
        res.writeHead(body.includes(UNREACHABLE) ? 500 : 202).end();
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    gateway?.closeAllConnections();
    await new Promise((resolve) => gateway?.close(resolve));
  });
  const { redis, t, mfa } = useMfaApp({
    env: () => ({
      VIGIL_PHONE_WEBHOOK_URL: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms`,
      VIGIL_PHONE_WEBHOOK_SECRET: SECRET,
    }),
  });

  const user = (name: string): AssessInput & { email: string } => ({ user_id: name, email: `${name}@example.com` });

  /** The last message the gateway received, after checking its signature. */
  function lastMessage(): { to: string; channel: string; text: string; code: string } {
    const last = received.at(-1);
    if (!last) throw new Error('the gateway received nothing');
    expect(last.headers['content-type']).toBe('application/json');
    expect(verifyWebhookSignature(SECRET, last.body, last.headers['x-vigil-signature'] as string | undefined)).toBe(true);
    return JSON.parse(last.body);
  }

  /** A token on which the user passed the email step (enough to enroll a first factor). */
  async function emailVerifiedToken(u: AssessInput & { email: string }): Promise<string> {
    const token = await mfa.token(u);
    await mfa.verifyEmail(token, u.email);
    return token;
  }

  describe('happy', () => {
    it('enrolls SMS with a code from the webhook, then answers the next login by SMS', async () => {
      const u = user('ph-alice');
      const phone = '+14155550123';
      const startedBefore = await metricValue(t.app, 'vigil_mfa_enrollments_total', { factor: 'sms', result: 'started' });
      const token = await emailVerifiedToken(u);

      const assoc = await mfa.ok('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'sms', phone_number: phone });
      expect(assoc).toMatchObject({ authenticator_type: 'oob', oob_channel: 'sms', binding_method: 'prompt', phone_last4: '0123' });
      expect(assoc.recovery_codes).toHaveLength(10);
      const sent = lastMessage();
      expect(sent).toEqual({ to: phone, channel: 'sms', text: expect.stringContaining(sent.code), code: expect.stringMatching(/^\d{6}$/) });
      // Signed with our secret, and no other.
      expect(verifyWebhookSignature('another-secret-0123456789', received.at(-1)!.body, received.at(-1)!.headers['x-vigil-signature'] as string)).toBe(false);

      expect(await mfa.ok('/v1/mfa/associate/confirm', { mfa_token: token, authenticator_id: assoc.authenticator_id, binding_code: sent.code })).toEqual({
        authenticator_id: assoc.authenticator_id,
        active: true,
      });
      expect(await metricValue(t.app, 'vigil_mfa_enrollments_total', { factor: 'sms', result: 'started' })).toBe(startedBefore + 1);

      const next = await mfa.challenged(u);
      expect(next.decision.mfa).toMatchObject({ enrolled: true, factors: ['recovery-code', 'sms'] });
      const token2: string = next.decision.mfa.mfa_token;
      expect(await mfa.ok('/v1/mfa/challenge', { mfa_token: token2, challenge_type: 'oob' })).toEqual({
        authenticator_id: assoc.authenticator_id,
        authenticator_type: 'sms',
        challenge_type: 'oob',
        oob_channel: 'sms',
        binding_method: 'prompt',
      });
      const login = lastMessage();
      expect(login.to).toBe(phone);
      const verified = await mfa.ok('/v1/mfa/verify', { mfa_token: token2, binding_code: login.code });
      expect(verified).toMatchObject({ authenticator_type: 'sms', amr: ['mfa', 'sms'] });

      // The number is kept sealed: neither Redis nor the authenticator list shows it.
      expect((await dumpRedis(redis.client())).join('\n')).not.toContain('4155550123');
      const listed = await t.app.inject({ url: '/v1/admin/users/ph-alice/authenticators', headers: bearer(KEYS.admin) });
      expect(listed.body).not.toContain('4155550123');
    });

    it('enrolls voice the same way, with the code read out', async () => {
      const u = user('ph-voice');
      const token = await emailVerifiedToken(u);
      const assoc = await mfa.ok('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'voice', phone_number: '+447700900123' });
      expect(assoc).toMatchObject({ oob_channel: 'voice', phone_last4: '0123' });
      const call = lastMessage();
      expect(call).toMatchObject({ to: '+447700900123', channel: 'voice' });
      expect(call.text).toContain(call.code.split('').join(', '));
      await mfa.ok('/v1/mfa/associate/confirm', { mfa_token: token, authenticator_id: assoc.authenticator_id, binding_code: call.code });

      const next = await mfa.token(u);
      await mfa.ok('/v1/mfa/challenge', { mfa_token: next, challenge_type: 'oob' });
      expect(await mfa.ok('/v1/mfa/verify', { mfa_token: next, binding_code: lastMessage().code })).toMatchObject({ amr: ['mfa', 'tel'] });
    });
  });

  describe('error', () => {
    it('answers 400 for a phone number that is not E.164, and sends nothing', async () => {
      const token = await emailVerifiedToken(user('ph-invalid'));
      const count = received.length;
      for (const phone of ['4155550123', '+0123456789', '+1 415 555 0123', '+1-415-555-0123', '+12', '']) {
        const res = await mfa.post('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'sms', phone_number: phone });
        expectError(res, 400, 'invalid_request', 'E.164');
      }
      expectError(await mfa.post('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'voice' }), 400, 'invalid_request', 'E.164');
      expectError(await mfa.post('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'sms', phone_number: '+1234567890123456789012' }), 400, 'invalid_request', 'phone_number');
      expect(received.length).toBe(count);
    });

    it('refuses a wrong code, or the right code for an authenticator id not being enrolled', async () => {
      const u = user('ph-wrong');
      const token = await emailVerifiedToken(u);
      const assoc = await mfa.ok('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'sms', phone_number: '+14155550124' });
      const { code } = lastMessage();
      const wrong = code === '000000' ? '000001' : '000000';
      const confirm = (id: string, binding_code: string) => mfa.post('/v1/mfa/associate/confirm', { mfa_token: token, authenticator_id: id, binding_code });
      expectError(await confirm(assoc.authenticator_id, wrong), 403, 'invalid_grant');
      expectError(await confirm('00000000-0000-4000-8000-000000000000', code), 403, 'invalid_grant');
      expect((await confirm(assoc.authenticator_id, code)).statusCode).toBe(200);
    });

    it('answers 503 when the gateway refuses the message, and a retry with a good number works', async () => {
      const token = await emailVerifiedToken(user('ph-down'));
      const res = await mfa.post('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'sms', phone_number: UNREACHABLE });
      expectError(res, 503, 'store_unavailable', 'sms');
      expect(res.body).not.toContain(UNREACHABLE);
      const assoc = await mfa.ok('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'sms', phone_number: '+14155550125' });
      await mfa.ok('/v1/mfa/associate/confirm', { mfa_token: token, authenticator_id: assoc.authenticator_id, binding_code: lastMessage().code });
    });
  });
});

describe('MFA phone factors without a webhook', () => {
  const { mfa } = useMfaApp({ smtp: false });

  it('does not offer sms or voice: associate answers 400 unsupported_authenticator_type', async () => {
    const token = await mfa.token({ user_id: 'ph-none', email: 'ph-none@example.com' });
    for (const type of ['sms', 'voice']) {
      const res = await mfa.post('/v1/mfa/associate', { mfa_token: token, authenticator_type: type, phone_number: '+14155550123' });
      expectError(res, 400, 'unsupported_authenticator_type', `"${type}"`, 'offered: otp, webauthn, email');
    }
  });
});
