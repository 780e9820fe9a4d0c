import { describe, expect, it } from 'vitest';
import { escapeHtml, phoneText, renderCodeEmail, type CodePurpose } from '../../src/mfa/delivery/templates.js';

const purposes: CodePurpose[] = ['verify_email', 'enroll', 'challenge'];

describe('renderCodeEmail', () => {
  it.each(purposes)('%s: shows the code plainly and says it is valid for 5 minutes, in text and HTML', (purpose) => {
    const mail = renderCodeEmail({ code: '042917', purpose, issuer: 'Acme' });
    expect(mail.subject).toContain('Acme');
    expect(mail.subject).not.toContain('042917');
    expect(mail.text).toMatch(/^\s+042917$/m);
    expect(mail.html).toContain('>042917</p>');
    expect(mail.text).toContain('valid for 5 minutes');
    expect(mail.html).toContain('valid for 5 minutes');
  });

  it('says what each purpose is for, differently', () => {
    const subjects = purposes.map((purpose) => renderCodeEmail({ code: '1', purpose, issuer: 'Acme' }).subject);
    expect(new Set(subjects).size).toBe(3);
    expect(renderCodeEmail({ code: '1', purpose: 'verify_email', issuer: 'Acme' }).text).toContain('verify your email');
    expect(renderCodeEmail({ code: '1', purpose: 'challenge', issuer: 'Acme' }).text).toContain('signing in');
  });

  it('escapes HTML in the issuer and the code', () => {
    const mail = renderCodeEmail({ code: '<b>1</b>', purpose: 'challenge', issuer: 'A&B <script>alert("x")</script>' });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<b>1</b>');
    expect(mail.html).toContain('A&#38;B &#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(mail.text).toContain('A&B <script>'); // plain text stays as typed
  });

  it('has no images, links or remote resources (nothing to track an open)', () => {
    const { html } = renderCodeEmail({ code: '123456', purpose: 'enroll', issuer: 'Acme' });
    expect(html).not.toMatch(/<img|<a\s|<link|src=|href=|url\(/i);
  });

  it('states another validity when asked', () => {
    expect(renderCodeEmail({ code: '1', purpose: 'enroll', issuer: 'A', validMinutes: 10 }).text).toContain('valid for 10 minutes');
    expect(renderCodeEmail({ code: '1', purpose: 'enroll', issuer: 'A', validMinutes: 1 }).text).toContain('valid for 1 minute ');
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`&<>"'x`)).toBe('&#38;&#60;&#62;&#34;&#39;x');
  });
});

describe('phoneText', () => {
  it('sms starts with the code and states the validity', () => {
    const text = phoneText({ code: '042917', purpose: 'challenge', issuer: 'Acme', channel: 'sms' });
    expect(text.startsWith('042917 ')).toBe(true);
    expect(text).toContain('valid for 5 minutes');
  });

  it('voice reads the digits one by one, twice', () => {
    const text = phoneText({ code: '042917', purpose: 'challenge', issuer: 'Acme', channel: 'voice' });
    expect(text.match(/0, 4, 2, 9, 1, 7/g)).toHaveLength(2);
    expect(text).not.toContain('042917');
  });
});
