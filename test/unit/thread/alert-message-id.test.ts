import { describe, expect, it } from 'vitest';
import { answeredAlert, makeAlertMessageId, readAlertMessageId } from '../../../src/thread/alert-message-id.js';

const secret = 'a secret of this gateway';

describe('alert Message-IDs', () => {
  it('names the spool entry the alert was about, and is new for every alert', () => {
    const first = makeAlertMessageId(secret, 'mi0x3k2a1-3f9c0d12ab77', 'example.org');
    expect(first).toMatch(/^<q\.mi0x3k2a1-3f9c0d12ab77\.[0-9a-f]{12}\.[0-9a-f]{20}@example\.org>$/);
    expect(readAlertMessageId(secret, first)).toBe('mi0x3k2a1-3f9c0d12ab77');
    expect(makeAlertMessageId(secret, 'mi0x3k2a1-3f9c0d12ab77', 'example.org')).not.toBe(first);
  });

  it("refuses another gateway's secret, a changed entry or tag, and the ids of tickets' mail", () => {
    const id = makeAlertMessageId(secret, 'mi0x3k2a1-3f9c0d12ab77', 'example.org');
    expect(readAlertMessageId('another secret', id)).toBeNull();
    expect(readAlertMessageId(secret, id.replace('mi0x3k2a1', 'mi0x3k2a2'))).toBeNull();
    expect(readAlertMessageId(secret, id.replace(/[0-9a-f]@/, (c) => `${c === '0' ? '1' : '0'}@`))).toBeNull();
    expect(readAlertMessageId(secret, '<g.12.0123456789ab.0123456789abcdef0123@example.org>')).toBeNull();
  });

  it('finds the alert in In-Reply-To, else in References, newest first', () => {
    const alert = makeAlertMessageId(secret, 'mi0x3k2a1-3f9c0d12ab77', 'example.org');
    expect(answeredAlert(secret, { inReplyTo: alert, references: [] })).toBe('mi0x3k2a1-3f9c0d12ab77');
    expect(answeredAlert(secret, { inReplyTo: '<other@example.net>', references: ['<older@x>', alert] })).toBe('mi0x3k2a1-3f9c0d12ab77');
    expect(answeredAlert(secret, { inReplyTo: '<other@example.net>', references: ['<older@x>'] })).toBeNull();
  });
});
