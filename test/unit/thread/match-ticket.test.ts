/**
 * The threader's order of rules, against in-memory look-ups (the rules are pure logic; the
 * e2e threading suite runs the same rules against the real store).
 */
import { describe, expect, it } from 'vitest';
import { matchTicket, type ThreadInput, type ThreadLookups } from '../../../src/thread/match-ticket.js';
import { makeReplyToken } from '../../../src/thread/reply-token.js';
import { makeMessageId } from '../../../src/thread/signed-message-id.js';

const secret = 'unit-secret-0123456789';
const lookups: ThreadLookups = {
  ticketExists: async (id) => id === 1 || id === 2,
  findTicketByMessageIds: async (ids) => (ids.includes('<seen@customer.test>') ? 2 : null),
  isParticipant: async (id, address) => id === 1 && address === 'alice@customer.test',
};

function input(overrides: Omit<Partial<ThreadInput>, 'message'> & { message?: Partial<ThreadInput['message']> }): ThreadInput {
  return {
    secret,
    mailboxes: ['support@example.org'],
    rcptTo: ['support@example.org'],
    sender: 'alice@customer.test',
    ...overrides,
    message: { inReplyTo: null, references: [], subject: 'Hello', ...overrides.message },
  };
}

describe('matchTicket', () => {
  it('prefers the reply token over headers and tags', async () => {
    const token = makeReplyToken(secret, { ticketId: 1, agentKey: null });
    const decision = await matchTicket(input({ rcptTo: [`support+${token}@example.org`], message: { inReplyTo: '<seen@customer.test>', subject: '[#2]' } }), lookups);
    expect(decision).toEqual({ kind: 'existing', ticketId: 1, rule: 'reply_token' });
  });

  it('uses a signed Message-ID without a look-up, and a seen one through the store', async () => {
    expect(await matchTicket(input({ message: { inReplyTo: makeMessageId(secret, 1, 'example.org') } }), lookups)).toEqual({ kind: 'existing', ticketId: 1, rule: 'in_reply_to' });
    expect(await matchTicket(input({ message: { references: ['<x@y>', '<seen@customer.test>'] } }), lookups)).toEqual({ kind: 'existing', ticketId: 2, rule: 'references' });
  });

  it('ignores a signed id naming a ticket that does not exist', async () => {
    const decision = await matchTicket(input({ message: { inReplyTo: makeMessageId(secret, 99, 'example.org') } }), lookups);
    expect(decision).toEqual({ kind: 'new', reason: 'no_reference', note: null });
  });

  it('honours a subject tag only from a participant', async () => {
    expect(await matchTicket(input({ message: { subject: 'Re: [#1] x' } }), lookups)).toEqual({ kind: 'existing', ticketId: 1, rule: 'subject_tag' });
    expect(await matchTicket(input({ sender: 'eve@evil.test', message: { subject: 'Re: [#1] x' } }), lookups)).toMatchObject({ kind: 'new', reason: 'tag_from_stranger' });
    expect(await matchTicket(input({ message: { subject: 'Re: [#50] x' } }), lookups)).toMatchObject({ kind: 'new', reason: 'unknown_reference' });
  });

  it('notes a valid token for a ticket that no longer exists', async () => {
    const token = makeReplyToken(secret, { ticketId: 9, agentKey: null });
    expect(await matchTicket(input({ rcptTo: [`support+${token}@example.org`] }), lookups)).toMatchObject({ kind: 'new', reason: 'unknown_reference' });
  });
});
