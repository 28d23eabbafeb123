/**
 * One subject per ticket and replies in the customer's language, over real SMTP: a reply on
 * another topic becomes a new linked ticket whose acknowledgement says why; a small subject
 * edit stays in the thread; a multi-topic first mail is flagged and hinted; French and
 * KOI8-R Russian mail get acknowledgements in their language; reply bodies are stored twice.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listTickets } from '../../src/store/ticket-repo.js';
import { ticketDetail } from '../../src/tickets/ticket-view.js';
import { sendByDialog } from '../support/smtp-dialog.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

let harness: TestGateway;
afterEach(async () => harness.stop());

async function openTicket(subject: string, text: string) {
  const sent = await harness.send({ from: 'Alice <alice@customer.test>', subject, text });
  const [ack] = await harness.sink.waitForMails(1);
  return { sent, ack: ack!.parsed };
}

describe('one subject per ticket', () => {
  it('splits a reply that changes topic into a new linked ticket and says why', async () => {
    harness = await startTestGateway();
    const { ack } = await openTicket('Sync is broken', 'Nothing syncs since Monday.');
    await harness.send({ from: 'alice@customer.test', subject: 'Re: New card terminal order', text: 'We would like a second terminal.', inReplyTo: ack.messageId });
    const [, splitAck] = await harness.sink.waitForMails(2);
    await harness.settle();
    const tickets = await listTickets(harness.gateway.db);
    expect(tickets.map((ticket) => [ticket.id, ticket.subject, ticket.split_from])).toEqual([
      [1, 'Sync is broken', null],
      [2, 'New card terminal order', 1],
    ]);
    expect(splitAck!.parsed.subject).toBe('[#2] New card terminal order');
    expect(splitAck!.parsed.text).toContain('different from your request #1 ("Sync is broken")');
    const shown = await ticketDetail(harness.gateway.db, 2);
    expect(shown).toMatchObject({ splitFrom: 1, mergedInto: null });
    expect(shown?.decisions.map((decision) => decision.code)).toContain('SPLIT_TOPIC_CHANGE');
    expect((await ticketDetail(harness.gateway.db, 1))?.decisions.map((decision) => decision.code)).toContain('SPLIT_INTO');
  });

  it('keeps a reply with a small subject edit in the same ticket', async () => {
    harness = await startTestGateway();
    const { ack } = await openTicket('Printer on fire', 'Help!');
    await harness.send({ from: 'alice@customer.test', subject: 'RE: Pritner on fire - URGENT', text: 'Still burning.', inReplyTo: ack.messageId });
    await harness.send({ from: 'alice@customer.test', subject: 'Any news?', text: 'Hello?', inReplyTo: ack.messageId });
    await harness.settle();
    expect(await listTickets(harness.gateway.db)).toHaveLength(1);
    expect((await ticketDetail(harness.gateway.db, 1))?.messages.filter((message) => message.direction === 'in')).toHaveLength(3);
  });

  it('flags a multi-topic first mail and hints in the acknowledgement, but not a single-topic one', async () => {
    harness = await startTestGateway();
    await harness.send({
      from: 'paul@asso.test',
      subject: 'Questions',
      text: 'Hello,\n\nSince Monday the synchronisation with our accounting software has stopped.\n\nAlso, we would like to order a second card terminal. How much does it cost?\n\nThanks',
    });
    await harness.send({ from: 'anna@asso.test', subject: 'Export', text: 'Hello,\n\nHow do I export donors to Excel? Can the export include postal addresses?\n\nThanks' });
    const mails = await harness.sink.waitForMails(2);
    const byRecipient = Object.fromEntries(mails.map((mail) => [mail.envelopeTo[0], mail.parsed]));
    expect(byRecipient['paul@asso.test']?.text).toContain('please send one email per subject');
    expect(byRecipient['anna@asso.test']?.text).not.toContain('one email per subject');
    const flagged = (await listTickets(harness.gateway.db)).map((ticket) => [ticket.requester, JSON.parse(ticket.flags_json)]);
    expect(flagged).toEqual([
      ['paul@asso.test', ['multi_topic']],
      ['anna@asso.test', []],
    ]);
  });

  it('stores the full text and the new part of a reply', async () => {
    harness = await startTestGateway();
    const { ack } = await openTicket('Export', 'The export fails.');
    const reply = 'It works now, thanks!\n\nSent from my iPhone\n\nOn Mon, 3 Nov 2026 at 10:00, Support <support@example.org> wrote:\n> Thank you for writing to us.\n';
    await harness.send({ from: 'alice@customer.test', subject: 'Re: [#1] Export', text: reply, inReplyTo: ack.messageId });
    await harness.settle();
    const message = (await ticketDetail(harness.gateway.db, 1))?.messages.at(-1);
    expect(message?.text).toContain('Thank you for writing to us.');
    expect(message?.newText).toBe('It works now, thanks!');
  });
});

describe('language', () => {
  it('answers a French mail in French although the default locale is English', async () => {
    harness = await startTestGateway({ locale: 'en' });
    await harness.send({ from: 'chloe@asso.test', subject: 'Export des dons', text: "Bonjour, je n'arrive plus à exporter la liste des dons depuis hier. Merci de votre aide." });
    const [ack] = await harness.sink.waitForMails(1);
    expect(ack!.parsed.text).toContain('Votre demande a bien été reçue');
    expect((await listTickets(harness.gateway.db))[0]).toMatchObject({ language: 'fr', locale: 'fr' });
  });

  it('answers a KOI8-R Russian mail in Russian', async () => {
    harness = await startTestGateway({ locale: 'fr' });
    const raw = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'koi8r-plain.eml'));
    await sendByDialog(harness.port, 'nikolai@client.test', ['support@example.org'], raw);
    const [ack] = await harness.sink.waitForMails(1);
    expect(ack!.parsed.subject).toBe('[#1] Проблема с синхронизацией');
    expect(ack!.parsed.text).toContain('Ваше обращение получено');
    expect(ack!.parsed.text).toContain('Статус:    Новое');
  });

  it('falls back to the configured locale for a language without templates, and keeps a known customer’s language', async () => {
    harness = await startTestGateway({ locale: 'fr' });
    await harness.send({ from: 'hans@firma.test', subject: 'Export', text: 'Hallo, der Export der Spenden funktioniert seit gestern nicht mehr. Vielen Dank für Ihre Hilfe.' });
    await harness.sink.waitForMails(1);
    await harness.send({ from: 'chloe@asso.test', subject: 'Reçu', text: "Bonjour, je n'ai pas reçu mon reçu fiscal pour l'année dernière, pouvez-vous me le renvoyer ?" });
    await harness.sink.waitForMails(2);
    await harness.send({ from: 'chloe@asso.test', subject: 'Other', text: 'ok' });
    await harness.settle();
    const tickets = await listTickets(harness.gateway.db);
    expect(tickets.map((ticket) => [ticket.language, ticket.locale])).toEqual([
      ['de', 'fr'],
      ['fr', 'fr'],
      ['fr', 'fr'],
    ]);
  });
});
