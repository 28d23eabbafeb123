/**
 * Each reference team's setup from config.examples/, end to end over SMTP: the plan and due
 * time a ticket gets, its assignee and queue, and the status transitions through a conversation
 * of several mails, including the timed ones (reminder, resolve for lack of answer, auto-close,
 * SLA warning), run by the lifecycle sweep at chosen times.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/config-schema.js';
import { parseConfig } from '../../src/config/load-config.js';
import { listDecisions } from '../../src/store/decision-repo.js';
import { findTicket, listTickets } from '../../src/store/ticket-repo.js';
import { addBusinessHours } from '../../src/tickets/business-hours.js';
import { ticketList, ticketSummary } from '../../src/tickets/ticket-view.js';
import type { CaughtMail } from '../support/smtp-sink.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const example = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'config.examples', name), 'utf8')) as ConfigInput;
const DAY = 86_400_000;
let harness: TestGateway;
afterEach(async () => harness.stop());

const mailsTo = (address: string): CaughtMail[] => harness.sink.mails.filter((mail) => mail.envelopeTo.includes(address));
async function settle(): Promise<void> {
  await harness.settle();
  await new Promise((resolve) => setTimeout(resolve, 100));
}
async function ticket(id: number) {
  const row = await findTicket(harness.gateway.db, id);
  if (!row) throw new Error(`no ticket ${id}`);
  return row;
}
async function replyAsAgent(agent: string, ticketId: number, text: string): Promise<void> {
  const notification = mailsTo(agent).filter((mail) => mail.parsed.subject?.startsWith(`[#${ticketId}]`)).at(-1);
  if (!notification) throw new Error(`${agent} has no notification for #${ticketId}`);
  await harness.send({ from: agent, to: notification.parsed.replyTo!.value[0]!.address!, subject: `Re: ${notification.parsed.subject}`, text });
  await settle();
}
async function customerWrites(from: string, subject: string, text: string, to?: string): Promise<void> {
  await harness.send({ from, subject, text, to: to ?? harness.gateway.mailboxes[0] });
  await settle();
}

describe('myKomela: 72 or 24 business hours, Monday–Friday 9:00–18:00', () => {
  it('gives each plan its first-response target and runs a whole conversation', async () => {
    const config = example('mykomela.json');
    harness = await startTestGateway(config);
    const paris = parseConfig(config).calendars.paris!;
    await customerWrites('tresorier@petite-asso.example', 'Reçus fiscaux', 'Bonjour, comment éditer les reçus fiscaux de cette année ?');
    await customerWrites('dir@grande-asso.example', 'Export comptable', "Bonjour, l'export comptable est vide depuis ce matin.");
    const [standard, advanced] = [await ticket(1), await ticket(2)];
    expect([standard.plan, advanced.plan]).toEqual(['standard', 'advanced']);
    expect(standard.due_at).toBe(addBusinessHours(new Date(standard.created_at), 72, paris).toISOString());
    expect(advanced.due_at).toBe(addBusinessHours(new Date(advanced.created_at), 24, paris).toISOString());
    expect(Date.parse(standard.due_at!) - Date.parse(standard.created_at)).toBeGreaterThanOrEqual(72 * 3_600_000);

    // The team answers: nothing is owed any more.
    await replyAsAgent('equipe@mykomela.example', 1, 'Bonjour, menu Dons > Reçus > Éditer.');
    expect(await ticket(1)).toMatchObject({ status: 'answered', due_at: null });
    // The customer writes back: the next-response target starts from that moment.
    await customerWrites('tresorier@petite-asso.example', 'Re: [#1] Reçus fiscaux', 'Merci, mais le bouton Éditer est grisé.');
    const inProgress = await ticket(1);
    expect(inProgress.status).toBe('in_progress');
    expect(inProgress.due_at).toBe(addBusinessHours(new Date(inProgress.status_changed_at!), 72, paris).toISOString());
    // A chaser while we owe an answer keeps the ticket's place and target.
    await customerWrites('tresorier@petite-asso.example', 'Re: [#1] Reçus fiscaux', 'Des nouvelles ?');
    expect((await ticket(1)).due_at).toBe(inProgress.due_at);
    expect((await listTickets(harness.gateway.db)).map((row) => row.id)).toEqual([1, 2]);
  });
});

describe('AssoConnect: resolved, reopened, resolved by the customer, closed after 7 days', () => {
  it('reopens on a reply, resolves on #résolu with a confirmation, and closes a week later', async () => {
    harness = await startTestGateway(example('assoconnect.json'));
    await customerWrites('secretaire@club.example', 'Adhésions en ligne', "Bonjour, le formulaire d'adhésion n'enregistre pas les paiements.");
    await replyAsAgent('support-team@assoconnect.example', 1, '#resolve\nBonjour, c’est corrigé.');
    expect((await ticket(1)).status).toBe('resolved');
    await customerWrites('secretaire@club.example', 'Re: [#1] Adhésions en ligne', 'Toujours pas, le paiement de Jeanne a échoué.');
    expect((await ticket(1)).status).toBe('reopened');
    expect(mailsTo('secretaire@club.example').at(-1)?.parsed.text).toContain('nous l\'avons réouverte');
    await replyAsAgent('support-team@assoconnect.example', 1, 'Pouvez-vous réessayer ?');
    await customerWrites('secretaire@club.example', 'Re: [#1] Adhésions en ligne', "Ça marche, merci !\n#résolu\n");
    expect((await ticket(1)).status).toBe('resolved');
    const confirmation = mailsTo('secretaire@club.example').at(-1)?.parsed;
    expect(confirmation?.text).toContain('Comme vous l\'avez demandé');
    expect(confirmation?.text).toContain('Statut : Résolue');
    await harness.gateway.lifecycle.runOnce(new Date(Date.now() + 6 * DAY));
    expect((await ticket(1)).status).toBe('resolved');
    await harness.gateway.lifecycle.runOnce(new Date(Date.now() + 7 * DAY + 60_000));
    expect((await ticket(1)).status).toBe('closed');
    // Writing again on a closed ticket opens a new one that follows it up.
    await customerWrites('secretaire@club.example', 'Re: [#1] Adhésions en ligne', 'Une autre adhérente a le même souci.');
    expect(await ticket(2)).toMatchObject({ follows_up: 1, status: 'new' });
  });

  it('reminds a silent customer once, then resolves the ticket', async () => {
    harness = await startTestGateway(example('assoconnect.json'));
    await customerWrites('tresoriere@club.example', 'Relevé', 'Bonjour, il manque un virement sur le relevé de novembre.');
    await replyAsAgent('support-team@assoconnect.example', 1, '#wait\nPouvez-vous nous envoyer la référence du virement ?');
    expect((await ticket(1)).status).toBe('awaiting_customer');
    await harness.gateway.lifecycle.runOnce(new Date(Date.now() + 3 * DAY + 60_000));
    await settle();
    expect(mailsTo('tresoriere@club.example').at(-1)?.parsed.subject).toBe('[#1] En attente de votre réponse : Relevé');
    await harness.gateway.lifecycle.runOnce(new Date(Date.now() + 4 * DAY));
    await settle();
    expect(mailsTo('tresoriere@club.example').filter((mail) => mail.parsed.subject?.includes('En attente'))).toHaveLength(1);
    await harness.gateway.lifecycle.runOnce(new Date(Date.now() + 8 * DAY));
    await settle();
    expect((await ticket(1)).status).toBe('resolved');
    expect(mailsTo('tresoriere@club.example').at(-1)?.parsed.text).toContain('Sans nouvelles de votre part');
  });
});

describe('iRaiser: teams by mailbox, account managers, urgency', () => {
  it('routes by mailbox and by customer, and raises a broken collection to urgent', async () => {
    const config = example('iraiser.json');
    harness = await startTestGateway(config);
    const paris = parseConfig(config).calendars.paris!;
    await customerWrites('compta@ong.example', 'Facture', 'Bonjour, pouvez-vous renvoyer la facture de novembre ?', 'compta@iraiser.example');
    await customerWrites('dons@croix-verte.example', 'Collecte', 'Bonjour, la collecte ne fonctionne plus sur notre page de campagne !');
    await customerWrites('web@ong.example', 'Bandeau', 'Bonjour, ça me bloque : le bandeau du site ne change pas.', 'web@iraiser.example');
    const [invoice, collection, banner] = [await ticket(1), await ticket(2), await ticket(3)];
    expect([invoice.queue, invoice.assignee]).toEqual(['accounting', null]);
    expect(mailsTo('compta-team@iraiser.example').map((mail) => mail.parsed.subject)).toEqual(['[#1] Facture (compta@ong.example)']);
    expect(mailsTo('web-team@iraiser.example').map((mail) => mail.parsed.subject)).toEqual(['[#3] Bandeau (web@ong.example)']);
    expect([collection.assignee, collection.priority]).toEqual(['lea@iraiser.example', 'urgent']);
    expect(collection.due_at).toBe(addBusinessHours(new Date(collection.created_at), 2, paris).toISOString());
    expect(mailsTo('lea@iraiser.example')).toHaveLength(1);
    expect(mailsTo('marc@iraiser.example')).toHaveLength(0);
    expect(banner.priority).toBe('normal');
    expect((await listDecisions(harness.gateway.db, { ticketId: 2 })).map((decision) => decision.code)).toContain('PRIORITY_URGENT');
  });
});

describe('CRM integrator: tiers in business days, business hours and wall-clock hours', () => {
  it('gives each tier its target in Moscow business time, assigns account managers, and answers in Russian', async () => {
    const config = example('crm-integrator.json');
    harness = await startTestGateway(config);
    const moscow = parseConfig(config).calendars.moscow!;
    await customerWrites('it@bank.example', 'Сбой CRM', 'Здравствуйте! CRM не открывается у всех сотрудников.');
    await customerWrites('ceo@premium-client.example', 'Отчёт', 'Здравствуйте! Не формируется ежемесячный отчёт по продажам.');
    await customerWrites('manager@small-shop.example', 'Вопрос', 'Здравствуйте! Как добавить новое поле в карточку клиента?');
    const [critical, premium, basic] = [await ticket(1), await ticket(2), await ticket(3)];
    expect([critical.plan, premium.plan, basic.plan]).toEqual(['critical', 'premium', 'basic']);
    expect(critical.due_at).toBe(new Date(Date.parse(critical.created_at) + 2 * 3_600_000).toISOString());
    expect(premium.due_at).toBe(addBusinessHours(new Date(premium.created_at), 4, moscow).toISOString());
    expect(basic.due_at).toBe(addBusinessHours(new Date(basic.created_at), 63, moscow).toISOString());
    expect([critical.assignee, premium.assignee, basic.assignee]).toEqual(['olga@crm-integrator.example', 'ivan@crm-integrator.example', null]);
    expect(mailsTo('it@bank.example')[0]?.parsed.text).toContain('Ваше обращение получено');
  });

  it('warns agents once when a ticket nears its target, and shows it breached', async () => {
    harness = await startTestGateway(example('crm-integrator.json'));
    await customerWrites('it@bank.example', 'Сбой CRM', 'Здравствуйте! CRM не открывается.');
    const due = Date.parse((await ticket(1)).due_at!);
    await harness.gateway.lifecycle.runOnce(new Date(due - 90 * 60_000));
    await settle();
    expect(mailsTo('olga@crm-integrator.example').filter((mail) => mail.parsed.subject?.includes('Скоро срок ответа'))).toHaveLength(0);
    await harness.gateway.lifecycle.runOnce(new Date(due - 30 * 60_000));
    await harness.gateway.lifecycle.runOnce(new Date(due + 60_000));
    await settle();
    expect(mailsTo('olga@crm-integrator.example').filter((mail) => /\[#1\] (Скоро срок ответа|Срок ответа пропущен)/.test(mail.parsed.subject ?? ''))).toHaveLength(1);
    expect(ticketSummary(await ticket(1), new Date(due + 60_000))).toMatchObject({ breached: true, dueAt: new Date(due).toISOString() });
    expect((await ticketList(harness.gateway.db, {}))[0]).toMatchObject({ breached: false, plan: 'critical' });
  });
});
