/**
 * A customer writes to support@; a ticket exists and an acknowledgement reaches the customer
 * through the real outbound relay (an SMTP sink), with the ticket tag, status and loop-safety
 * headers. Follow-ups update the ticket without a second acknowledgement.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readReplyToken } from '../../src/thread/reply-token.js';
import { readSignedMessageId } from '../../src/thread/signed-message-id.js';
import { ticketDetail } from '../../src/tickets/ticket-view.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const secret = 'test-secret-0123456789abcdef';
let harness: TestGateway;
afterEach(async () => harness?.stop());

describe('acknowledgement of a new ticket', () => {
  it('files the mail and sends a tagged, threaded, loop-safe acknowledgement within a second', async () => {
    harness = await startTestGateway();
    const started = Date.now();
    const sent = await harness.send({ from: 'Alice Martin <alice@customer.test>', subject: 'Cannot export donations', text: 'The export button does nothing.' });
    expect(sent.response).toMatch(/^250 .*queued as [0-9a-z]{9}-[0-9a-f]{12}/);
    const [ack] = await harness.sink.waitForMails(1);
    expect(Date.now() - started).toBeLessThan(1000);

    const ticket = await ticketDetail(harness.gateway.db, 1);
    expect(ticket).toMatchObject({ id: 1, subject: 'Cannot export donations', status: 'new', requester: 'alice@customer.test' });
    expect(ticket?.messages[0]).toMatchObject({ direction: 'in', from: 'alice@customer.test', text: expect.stringContaining('export button') });

    const mail = ack!.parsed;
    expect(mail.subject).toBe('[#1] Cannot export donations');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : undefined).toBe('alice@customer.test');
    expect(mail.text).toContain('#1');
    expect(mail.text).toContain('Status:  New');
    expect(mail.text).toMatch(/What happens next/);
    expect(mail.html).toContain('<strong>#1</strong>');
    expect(mail.headers.get('auto-submitted')).toBe('auto-replied');
    expect(mail.headers.get('x-auto-response-suppress')).toBe('All');
    expect(mail.inReplyTo).toBe(sent.messageId);
    expect(mail.references).toContain(sent.messageId);
    expect(readSignedMessageId(secret, mail.messageId ?? '')).toBe(1);
    const replyTo = mail.replyTo?.value[0]?.address ?? '';
    expect(replyTo).toMatch(/^support\+1-[0-9a-f]{20}@example\.org$/);
    expect(readReplyToken(secret, replyTo.slice('support+'.length, replyTo.indexOf('@')))).toEqual({ ticketId: 1, agentKey: null });
    expect(ack!.envelopeFrom).toBe('');
    expect(ack!.envelopeTo).toEqual(['alice@customer.test']);
  });

  it('sends no second acknowledgement for a follow-up on the same ticket', async () => {
    harness = await startTestGateway();
    const first = await harness.send({ from: 'bob@customer.test', subject: 'Receipts', text: 'Where are my receipts?' });
    await harness.sink.waitForMails(1);
    await harness.send({ from: 'bob@customer.test', subject: 'Re: [#1] Receipts', text: 'Any news?', inReplyTo: first.messageId });
    await harness.settle();
    const ticket = await ticketDetail(harness.gateway.db, 1);
    expect(ticket?.messages.filter((message) => message.direction === 'in')).toHaveLength(2);
    expect(harness.sink.mails).toHaveLength(1);
  });

  it('writes the acknowledgement in the configured language', async () => {
    harness = await startTestGateway({ locale: 'fr' });
    await harness.send({ from: 'chloe@asso.test', subject: 'Reçu fiscal', text: 'Bonjour, je ne trouve pas mon reçu.' });
    const [ack] = await harness.sink.waitForMails(1);
    expect(ack!.parsed.subject).toBe('[#1] Reçu fiscal');
    expect(ack!.parsed.text).toContain('Votre demande a bien été reçue');
    expect(ack!.parsed.text).toContain('Statut :  Nouvelle');
  });

  it('writes mail to data/outbox/ as .eml files when no relay is configured', async () => {
    harness = await startTestGateway({}, { relay: false });
    await harness.send({ from: 'dan@customer.test', subject: 'Hello', text: 'Hi' });
    await harness.settle();
    const { readdirSync, readFileSync } = await import('node:fs');
    const files = readdirSync(`${harness.dataDir}/outbox`).filter((name) => name.endsWith('.eml'));
    expect(files).toEqual(['00000001.eml']);
    const eml = readFileSync(`${harness.dataDir}/outbox/${files[0]}`, 'utf8');
    expect(eml).toMatch(/^X-Guichet-Envelope-From: <>\r\nX-Guichet-Envelope-To: <dan@customer.test>\r\n/);
    expect(eml).toContain('Subject: [#1] Hello');
    expect(harness.sink.mails).toHaveLength(0);
  });
});
