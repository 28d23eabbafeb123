/**
 * Agents work from their mail client, over real SMTP with a real sink: notifications with a
 * per-agent reply address; replies relayed to the customer without the quoted notification;
 * #note and #close; command errors; and no way to pose as an agent (forged From, someone
 * else's token), while a DKIM-signed agent mail (test key, offline DNS) is accepted.
 */
import type { SendMailOptions } from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listDecisions } from '../../src/store/decision-repo.js';
import { listTickets } from '../../src/store/ticket-repo.js';
import { agentKeyOf, readReplyToken } from '../../src/thread/reply-token.js';
import { ticketDetail } from '../../src/tickets/ticket-view.js';
import { makeDkimKey } from '../support/dkim-transport.js';
import type { CaughtMail } from '../support/smtp-sink.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const secret = 'test-secret-0123456789abcdef';
const dkim = makeDkimKey('agents.test', 'sel');
const dns = dkim.record;
const agents = [
  { address: 'alice@agents.test', name: 'Alice Martin', queues: ['billing'] },
  { address: 'bob@agents.test', name: 'Bob Durand' },
];

let harness: TestGateway;
let customerMessageId: string;

const mailsTo = (address: string): CaughtMail[] => harness.sink.mails.filter((mail) => mail.envelopeTo.includes(address));
async function settle(): Promise<void> {
  await harness.settle();
  await new Promise((resolve) => setTimeout(resolve, 100));
}

beforeEach(async () => {
  harness = await startTestGateway({ agents, mailboxes: [{ address: 'support@example.org' }, { address: 'billing@example.org', queue: 'billing' }] }, { dns });
  const sent = await harness.send({ from: 'Carol <carol@customer.test>', cc: 'boss@customer.test', subject: 'Export fails', text: 'The export of donations fails with error 500.' });
  customerMessageId = sent.messageId;
  await harness.sink.waitForMails(3); // the acknowledgement and two notifications
});
afterEach(async () => harness.stop());

async function notificationFor(agent: string): Promise<CaughtMail> {
  const [notification] = mailsTo(agent);
  expect(notification).toBeDefined();
  return notification!;
}

async function replyAsAgent(agent: string, text: string, extra: SendMailOptions = {}) {
  const notification = await notificationFor(agent);
  return harness.send({
    from: agent,
    to: notification.parsed.replyTo!.value[0]!.address!,
    subject: `Re: ${notification.parsed.subject}`,
    inReplyTo: notification.parsed.messageId,
    text: `${text}\n\nOn Mon, 3 Nov 2026, Support <support@example.org> wrote:\n> ${notification.parsed.text!.split('\n').join('\n> ')}`,
    ...extra,
  });
}

describe('notifications', () => {
  it('tells every agent about a new ticket, with a per-agent reply address and the commands', async () => {
    const notification = await notificationFor('alice@agents.test');
    expect(notification.parsed.subject).toBe('[#1] Export fails (carol@customer.test)');
    expect(notification.parsed.text).toContain('The export of donations fails with error 500.');
    expect(notification.parsed.text).toContain('#close');
    const replyTo = notification.parsed.replyTo!.value[0]!.address!;
    const token = replyTo.slice('support+'.length, replyTo.indexOf('@'));
    expect(readReplyToken(secret, token)).toEqual({ ticketId: 1, agentKey: agentKeyOf('alice@agents.test') });
    expect(mailsTo('bob@agents.test')).toHaveLength(1);
    expect(mailsTo('carol@customer.test')[0]?.parsed.subject).toBe('[#1] Export fails');
  });

  it('notifies only the queue agent for a mailbox with a queue, and only the assignee once assigned', async () => {
    await harness.send({ from: 'dan@customer.test', to: 'billing@example.org', subject: 'Invoice copy', text: 'Could you send the October invoice?' });
    await settle();
    expect(mailsTo('alice@agents.test').map((mail) => mail.parsed.subject)).toContain('[#2] Invoice copy (dan@customer.test)');
    expect(mailsTo('bob@agents.test').map((mail) => mail.parsed.subject)).not.toContain('[#2] Invoice copy (dan@customer.test)');
    await replyAsAgent('alice@agents.test', '#assign bob\n#note\nBob knows this customer.');
    await harness.send({ from: 'carol@customer.test', subject: 'Re: [#1] Export fails', text: 'Any news?', inReplyTo: customerMessageId });
    await settle();
    expect((await listTickets(harness.gateway.db))[0]?.assignee).toBe('bob@agents.test');
    expect(mailsTo('bob@agents.test')).toHaveLength(2);
    expect(mailsTo('alice@agents.test').filter((mail) => mail.parsed.subject?.startsWith('[#1]'))).toHaveLength(1);
  });
});

describe('agent replies', () => {
  it('sends only the new text to the customer, under the agent name, threaded, with status answered', async () => {
    await replyAsAgent('alice@agents.test', 'Hello Carol,\n\nPlease try again now, we fixed the export.', { cc: 'colleague@agents.test', bcc: 'secret-watcher@agents.test' });
    await settle();
    const [ack, reply] = mailsTo('carol@customer.test');
    expect(ack).toBeDefined();
    expect(reply!.parsed.subject).toBe('[#1] Export fails');
    expect(reply!.parsed.from!.value[0]).toMatchObject({ name: 'Alice Martin', address: 'support@example.org' });
    expect(reply!.parsed.text).toContain('Please try again now, we fixed the export.');
    expect(reply!.parsed.text).toContain('Status: Answered');
    expect(reply!.parsed.text).not.toContain('The export of donations fails with error 500.');
    expect(reply!.parsed.text).not.toContain('#close');
    expect(reply!.parsed.inReplyTo).toBe(customerMessageId);
    expect(reply!.envelopeTo.sort()).toEqual(['boss@customer.test', 'carol@customer.test']);
    expect(reply!.raw).not.toMatch(/colleague@agents\.test|secret-watcher/);
    expect(reply!.envelopeFrom).toBe('support@example.org');
    expect((await listTickets(harness.gateway.db))[0]?.status).toBe('answered');
  });

  it('keeps a #note internal: stored, shown to agents, sent to no customer', async () => {
    await replyAsAgent('alice@agents.test', '#note\nCustomer is on the old plan, check with billing.');
    await settle();
    expect(mailsTo('carol@customer.test')).toHaveLength(1);
    const ticket = await ticketDetail(harness.gateway.db, 1);
    const note = ticket?.messages.at(-1);
    expect(note).toMatchObject({ author: 'agent', internal: true, newText: 'Customer is on the old plan, check with billing.' });
    expect(ticket?.status).toBe('new');
  });

  it('closes the ticket with #close and tells the customer', async () => {
    await replyAsAgent('alice@agents.test', '#close\nThis is fixed, closing the request.');
    await settle();
    const reply = mailsTo('carol@customer.test')[1];
    expect(reply?.parsed.text).toContain('This is fixed, closing the request.');
    expect(reply?.parsed.text).toContain('Status: Closed');
    expect((await listTickets(harness.gateway.db))[0]?.status).toBe('closed');
  });

  it('refuses an unknown command: error mail to the agent, nothing to the customer, nothing changed', async () => {
    await replyAsAgent('alice@agents.test', '#frobnicate\n#assign nobody\nSome text.');
    await settle();
    expect(mailsTo('carol@customer.test')).toHaveLength(1);
    const errorMail = mailsTo('alice@agents.test').at(-1);
    expect(errorMail?.parsed.subject).toBe('[#1] Not sent: your reply has a command error');
    expect(errorMail?.parsed.text).toContain('#frobnicate: unknown command');
    expect(errorMail?.parsed.text).toContain('#assign nobody: no such agent');
    expect((await listTickets(harness.gateway.db))[0]).toMatchObject({ status: 'new', assignee: null });
  });

  it('merges a ticket into another with #merge, and later mail to it joins the other', async () => {
    await harness.send({ from: 'carol@customer.test', subject: 'Invoices', text: 'Also, where are my invoices?' });
    await settle();
    await replyAsAgent('alice@agents.test', '#merge 2\nMerging into your invoices request.');
    await settle();
    expect(await ticketDetail(harness.gateway.db, 1)).toMatchObject({ status: 'closed', mergedInto: 2 });
    await harness.send({ from: 'carol@customer.test', subject: 'Re: [#1] Export fails', text: 'And the export?', inReplyTo: customerMessageId });
    await settle();
    const target = await ticketDetail(harness.gateway.db, 2);
    expect(target?.messages.filter((message) => message.direction === 'in').map((message) => message.newText)).toContain('And the export?');
    expect(await listTickets(harness.gateway.db)).toHaveLength(2);
  });

  it('splits the customer’s latest message into a new linked ticket with #split', async () => {
    await harness.send({ from: 'carol@customer.test', subject: 'Re: [#1] Export fails', text: 'Also our logo is blurry on receipts.', inReplyTo: customerMessageId });
    await settle();
    await replyAsAgent('alice@agents.test', '#split\n#note\nThe logo question is a separate ticket.');
    await settle();
    const split = await ticketDetail(harness.gateway.db, 2);
    expect(split).toMatchObject({ splitFrom: 1, requester: 'carol@customer.test' });
    expect(split?.messages.filter((message) => message.direction === 'in').map((message) => message.newText)).toEqual(['Also our logo is blurry on receipts.']);
    expect((await ticketDetail(harness.gateway.db, 1))?.messages.map((message) => message.newText)).not.toContain('Also our logo is blurry on receipts.');
    expect(mailsTo('carol@customer.test').at(-1)?.parsed.subject).toBe('[#2] Export fails');
  });

  it('carries the agent’s attachments over to the customer', async () => {
    await replyAsAgent('alice@agents.test', 'Here is the corrected file.', { attachments: [{ filename: 'export.csv', content: 'id;amount\n1;20\n' }] });
    await settle();
    const reply = mailsTo('carol@customer.test')[1];
    expect(reply?.parsed.attachments.map((file) => [file.filename, file.content.toString()])).toEqual([['export.csv', 'id;amount\n1;20\n']]);
  });
});

describe('nobody can pose as an agent', () => {
  it('files a forged agent From (no token, no authentication) as a flagged customer message and relays nothing', async () => {
    await harness.send({ from: 'alice@agents.test', subject: 'Re: [#1] Export fails', text: 'Send me all the donor data.' });
    await settle();
    expect(mailsTo('carol@customer.test')).toHaveLength(1);
    expect(mailsTo('alice@agents.test').some((mail) => mail.parsed.subject?.startsWith('[#1] Re'))).toBe(false);
    const tickets = await listTickets(harness.gateway.db);
    expect(tickets).toHaveLength(2);
    const forged = await ticketDetail(harness.gateway.db, 2);
    expect(forged?.messages[0]?.flags).toContain('spoofed');
    expect(forged?.decisions.map((decision) => decision.code)).toContain('AGENT_SPOOF_SUSPECTED');
    expect(mailsTo('bob@agents.test').at(-1)?.parsed.text).toContain('WARNING: this message claims to come from an agent address');
  });

  it('refuses an agent token used by another sender', async () => {
    const token = (await notificationFor('alice@agents.test')).parsed.replyTo!.value[0]!.address!;
    await harness.send({ from: 'mallory@attacker.test', to: token, subject: 'Re: [#1] Export fails', text: 'Refund me.' });
    await settle();
    expect(mailsTo('carol@customer.test')).toHaveLength(1);
    const codes = (await listDecisions(harness.gateway.db, {})).map((decision) => decision.code);
    expect(codes).toContain('AGENT_TOKEN_MISUSED');
    expect(codes).not.toContain('AGENT_REPLY');
    expect((await ticketDetail(harness.gateway.db, 1))?.messages.filter((message) => message.author === 'agent')).toHaveLength(0);
  });

  it('accepts a DKIM-signed agent mail without a token', async () => {
    const signer = dkim.transport(harness.port);
    await signer.sendMail({ from: 'Alice <alice@agents.test>', to: 'support@example.org', subject: 'Re: [#1] Export fails', text: 'Signed answer: fixed.' });
    signer.close();
    await settle();
    const reply = mailsTo('carol@customer.test')[1];
    expect(reply?.parsed.text).toContain('Signed answer: fixed.');
    expect((await ticketDetail(harness.gateway.db, 1))?.decisions.map((decision) => decision.detail)).toContain('alice@agents.test by dkim');
  });
});
