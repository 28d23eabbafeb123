import { describe, expect, it } from 'vitest';
import { agentKeyOf, makeReplyToken, readReplyToken, replyAddress } from '../../../src/thread/reply-token.js';
import { makeMessageId, readSignedMessageId } from '../../../src/thread/signed-message-id.js';
import { readSubjectTag } from '../../../src/thread/read-subject-tag.js';

const secret = 'unit-secret-0123456789';

describe('reply tokens', () => {
  it('round-trips a customer and an agent token', () => {
    expect(readReplyToken(secret, makeReplyToken(secret, { ticketId: 42, agentKey: null }))).toEqual({ ticketId: 42, agentKey: null });
    const agentKey = agentKeyOf('Alice@Support.example');
    expect(readReplyToken(secret, makeReplyToken(secret, { ticketId: 7, agentKey }))).toEqual({ ticketId: 7, agentKey });
  });

  it('rejects a token moved to another ticket, a forged tag, and a token under another secret', () => {
    const token = makeReplyToken(secret, { ticketId: 42, agentKey: null });
    expect(readReplyToken(secret, token.replace(/^42-/, '43-'))).toBeNull();
    expect(readReplyToken(secret, '42-00000000000000000000')).toBeNull();
    expect(readReplyToken('another-secret-0123456', token)).toBeNull();
    expect(readReplyToken(secret, 'garbage')).toBeNull();
  });

  it('survives an MTA that upper-cases the local part', () => {
    const token = makeReplyToken(secret, { ticketId: 5, agentKey: null });
    expect(readReplyToken(secret, token.toUpperCase())).toEqual({ ticketId: 5, agentKey: null });
  });

  it('builds the subaddress', () => {
    expect(replyAddress('support@example.org', '1-abc')).toBe('support+1-abc@example.org');
  });
});

describe('signed Message-IDs', () => {
  it('names its ticket only when the signature holds', () => {
    const id = makeMessageId(secret, 12, 'example.org');
    expect(id).toMatch(/^<g\.12\.[0-9a-f]{12}\.[0-9a-f]{20}@example\.org>$/);
    expect(readSignedMessageId(secret, id)).toBe(12);
    expect(readSignedMessageId(secret, id.replace('<g.12.', '<g.13.'))).toBeNull();
    expect(readSignedMessageId(secret, '<CAF=abc@mail.gmail.com>')).toBeNull();
  });

  it('is unique per mail', () => {
    expect(makeMessageId(secret, 1, 'x.org')).not.toBe(makeMessageId(secret, 1, 'x.org'));
  });
});

describe('subject tags', () => {
  it.each([
    ['Re: [#123] Printer', 123],
    ['[#7]', 7],
    ['RE: TR: [#12] [#13] two tags', 12],
    ['Invoice #123', null],
    ['[123] no hash', null],
  ])('%s → %s', (subject, expected) => {
    expect(readSubjectTag(subject)).toBe(expected);
  });
});
