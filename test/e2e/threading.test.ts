/**
 * Which ticket a mail joins, over real SMTP: reply token, In-Reply-To, References, subject tag
 * (participants only), and the cases that must open a new ticket or must not file twice.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listDecisions } from '../../src/store/decision-repo.js';
import { listTickets } from '../../src/store/ticket-repo.js';
import { ticketDetail } from '../../src/tickets/ticket-view.js';
import { sendByDialog } from '../support/smtp-dialog.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

let harness: TestGateway;
let ack: { messageId: string; replyTo: string; customerMessageId: string };

beforeEach(async () => {
  harness = await startTestGateway();
  const sent = await harness.send({ from: 'Alice <alice@customer.test>', subject: 'Sync is broken', text: 'Nothing syncs since Monday.' });
  const [mail] = await harness.sink.waitForMails(1);
  ack = { messageId: mail!.parsed.messageId!, replyTo: mail!.parsed.replyTo!.value[0]!.address!, customerMessageId: sent.messageId };
});
afterEach(async () => harness.stop());

async function inboundCount(ticketId: number): Promise<number> {
  const ticket = await ticketDetail(harness.gateway.db, ticketId);
  return ticket?.messages.filter((message) => message.direction === 'in').length ?? 0;
}

async function threadCodes(): Promise<string[]> {
  return (await listDecisions(harness.gateway.db, {})).filter((decision) => decision.stage === 'thread').map((decision) => decision.code);
}

describe('threading', () => {
  it('joins a reply by In-Reply-To to the acknowledgement', async () => {
    await harness.send({ from: 'alice@customer.test', subject: 'Re: [#1] Sync is broken', text: 'More details', inReplyTo: ack.messageId });
    await harness.settle();
    expect(await inboundCount(1)).toBe(2);
    expect((await threadCodes()).at(-1)).toBe('THREAD_IN_REPLY_TO');
  });

  it('joins a reply that has only References', async () => {
    await harness.send({ from: 'alice@customer.test', subject: 'Follow-up', text: 'More', references: ['<unrelated@elsewhere.test>', ack.messageId] });
    await harness.settle();
    expect(await inboundCount(1)).toBe(2);
    expect((await threadCodes()).at(-1)).toBe('THREAD_REFERENCES');
  });

  it('joins a reply by its customer Message-ID seen earlier (a reply to their own mail)', async () => {
    await harness.send({ from: 'alice@customer.test', subject: 'Also', text: 'Forgot to say', inReplyTo: ack.customerMessageId });
    await harness.settle();
    expect(await inboundCount(1)).toBe(2);
  });

  it('joins a mail sent to the reply address with no headers and a new subject', async () => {
    await harness.send({ from: 'alice@customer.test', to: ack.replyTo, subject: 'screenshot', text: 'attached' });
    await harness.settle();
    expect(await inboundCount(1)).toBe(2);
    expect((await threadCodes()).at(-1)).toBe('THREAD_REPLY_TOKEN');
  });

  it('honours a [#id] subject tag from a participant', async () => {
    await harness.send({ from: 'alice@customer.test', subject: 'Re: [#1] Sync is broken', text: 'Still broken' });
    await harness.settle();
    expect(await inboundCount(1)).toBe(2);
    expect((await threadCodes()).at(-1)).toBe('THREAD_SUBJECT_TAG');
  });

  it('opens a new ticket for a [#id] subject tag from a stranger', async () => {
    await harness.send({ from: 'mallory@attacker.test', subject: 'Re: [#1] Sync is broken', text: 'let me in' });
    await harness.settle();
    expect(await inboundCount(1)).toBe(1);
    const tickets = await listTickets(harness.gateway.db);
    expect(tickets).toHaveLength(2);
    expect(tickets[1]).toMatchObject({ requester: 'mallory@attacker.test' });
    expect((await threadCodes()).at(-1)).toBe('THREAD_NEW_TAG_FROM_STRANGER');
  });

  it('opens a new ticket for a forged reply token and an unrelated mail', async () => {
    await harness.send({ from: 'mallory@attacker.test', to: 'support+1-00000000000000000000@example.org', subject: 'hi', text: 'x' });
    await harness.send({ from: 'alice@customer.test', subject: 'Another question', text: 'New topic' });
    await harness.settle();
    expect(await inboundCount(1)).toBe(1);
    expect(await listTickets(harness.gateway.db)).toHaveLength(3);
    expect(harness.sink.mails.length).toBeGreaterThanOrEqual(1);
  });

  it('files one message for one transaction addressed to two of our mailboxes', async () => {
    const body = 'From: carol@customer.test\r\nTo: support@example.org, billing@example.org\r\nSubject: Invoice\r\nMessage-ID: <one@customer.test>\r\n\r\nWrong amount.\r\n';
    const replies = await sendByDialog(harness.port, 'carol@customer.test', ['support@example.org', 'billing@example.org'], body);
    expect(replies.data?.code).toBe(250);
    await harness.settle();
    const tickets = await listTickets(harness.gateway.db);
    expect(tickets).toHaveLength(2);
    expect(await inboundCount(2)).toBe(1);
  });

  it('files the same Message-ID arriving twice (CC to two mailboxes, two deliveries) once', async () => {
    const body = 'From: carol@customer.test\r\nTo: support@example.org\r\nCc: billing@example.org\r\nSubject: Invoice\r\nMessage-ID: <twice@customer.test>\r\n\r\nWrong amount.\r\n';
    await harness.sendRaw(body, { from: 'carol@customer.test', to: ['support@example.org'] });
    await harness.sendRaw(body, { from: 'carol@customer.test', to: ['billing@example.org'] });
    await harness.settle();
    expect(await listTickets(harness.gateway.db)).toHaveLength(2);
    expect(await inboundCount(2)).toBe(1);
    expect(harness.sink.mails).toHaveLength(2); // Alice's ack and Carol's, not a third
    const decisions = await listDecisions(harness.gateway.db, { ticketId: 2 });
    expect(decisions.map((decision) => decision.code)).toContain('DUPLICATE_MESSAGE_ID');
  });

  it('adds a colleague replying from another address as a participant, keeping the requester', async () => {
    await harness.send({ from: 'boss@customer.test', cc: 'alice@customer.test', subject: 'Re: [#1] Sync is broken', text: 'Please hurry', inReplyTo: ack.messageId });
    await harness.settle();
    const ticket = await ticketDetail(harness.gateway.db, 1);
    expect(ticket?.requester).toBe('alice@customer.test');
    expect(ticket?.participants).toEqual([
      { address: 'alice@customer.test', role: 'requester' },
      { address: 'boss@customer.test', role: 'cc' },
    ]);
  });
});
