import type { Delivery } from '../types.js';

/**
 * Why a code is sent: the factor purposes, plus the email verification step that comes before
 * a first enrollment (docs/api.md, "Users without a factor").
 */
export type CodePurpose = Delivery['purpose'] | 'verify_email';

export interface CodeMessageInput {
  code: string;
  purpose: CodePurpose;
  /** The product name users know (the otpauth issuer). */
  issuer: string;
  /** Defaults to 5, the life of every emailed or phoned code (docs/api.md, MFA). */
  validMinutes?: number | undefined;
}

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

const WORDING: Record<CodePurpose, { subject: (issuer: string) => string; lead: string; ignore: string }> = {
  verify_email: {
    subject: (issuer) => `Verify your email address for ${issuer}`,
    lead: 'Enter this code to verify your email address:',
    ignore: 'If you did not ask for this, you can ignore this email.',
  },
  enroll: {
    subject: (issuer) => `Confirm your new ${issuer} sign-in method`,
    lead: 'Enter this code to finish setting up this sign-in method:',
    ignore: 'If you did not ask for this, someone who knows your password may be trying to add a sign-in method. Change your password.',
  },
  challenge: {
    subject: (issuer) => `Your ${issuer} sign-in code`,
    lead: 'Enter this code to finish signing in:',
    ignore: 'If you are not signing in right now, someone who knows your password may be trying to. Change your password.',
  },
};

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function validity(minutes: number): string {
  return `The code is valid for ${minutes} minute${minutes === 1 ? '' : 's'} and works once.`;
}

/**
 * A code email as plain text and HTML. The HTML has no images, links or remote resources, so
 * nothing tracks whether it was opened, and nothing in it invites a phishing look-alike.
 */
export function renderCodeEmail(input: CodeMessageInput): EmailContent {
  const w = WORDING[input.purpose];
  const valid = validity(input.validMinutes ?? 5);
  const text = [`${input.issuer}`, '', w.lead, '', `    ${input.code}`, '', valid, w.ignore, ''].join('\n');
  const e = escapeHtml;
  const html = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${e(w.subject(input.issuer))}</title></head>`,
    '<body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111">',
    `<p style="font-weight:600">${e(input.issuer)}</p>`,
    `<p>${e(w.lead)}</p>`,
    // Plain monospaced digits: easy to read and to select, no button that could be spoofed.
    `<p style="font-family:ui-monospace,monospace;font-size:28px;letter-spacing:4px;margin:16px 0">${e(input.code)}</p>`,
    `<p>${e(valid)}</p>`,
    `<p style="color:#555">${e(w.ignore)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
  return { subject: w.subject(input.issuer), text, html };
}

/**
 * The words for an SMS or a call. SMS puts the code first, where phones look for it to offer
 * autofill; a call reads the digits one by one, twice, since a listener cannot scroll back.
 */
export function phoneText(input: CodeMessageInput & { channel: 'sms' | 'voice' }): string {
  const minutes = input.validMinutes ?? 5;
  if (input.channel === 'sms') {
    return `${input.code} is your ${input.issuer} code. It is valid for ${minutes} minutes. Do not share it with anyone.`;
  }
  const spoken = input.code.split('').join(', ');
  return `Your ${input.issuer} code is: ${spoken}. Again: ${spoken}. It is valid for ${minutes} minutes.`;
}
