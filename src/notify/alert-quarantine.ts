/**
 * Tells the agents when an accepted message is quarantined: the customer got no
 * acknowledgement and no ticket exists, so without a mail nobody would know until they looked
 * at `guichet spool list`. Queued in the quarantine's own transaction, to every configured
 * agent, at most once an hour (the mail says how many are in quarantine by then, so a burst
 * of failures is one mail, not a flood). Not for PARSE_NO_SENDER: a message with neither a
 * From header nor an envelope sender has nobody to answer and is nearly always junk.
 * Each alert, or why none was sent, is recorded in the decisions log of the entry.
 */
import type { Transaction } from 'kysely';
import type { Database, SpoolRow } from '../store/database-schema.js';
import { recordDecision } from '../store/decision-repo.js';
import { enqueueMail } from '../store/outbox-repo.js';
import { mailboxOfEnvelope } from '../smtp/resolve-recipient.js';
import type { OutgoingMail } from './outgoing-mail.js';
import type { MailDeps } from './queue-customer-mail.js';
import { makeAlertMessageId } from '../thread/alert-message-id.js';

const ALERT_INTERVAL_MS = 60 * 60 * 1000;
const NOT_ALERTED = new Set(['PARSE_NO_SENDER']);

export async function alertQuarantine(trx: Transaction<Database>, deps: MailDeps, input: { entry: SpoolRow; reason: string; detail: string; at: string }): Promise<void> {
  const { entry, reason, at } = input;
  const skip = async (why: string) => recordDecision(trx, { spoolId: entry.id, ticketId: null, stage: 'notify', code: 'QUARANTINE_ALERT_SKIPPED', detail: why }, at);
  if (NOT_ALERTED.has(reason)) return skip(`not mailed for ${reason}`);
  if (deps.config.agents.length === 0) return skip('no agents configured');
  const since = new Date(Date.parse(at) - ALERT_INTERVAL_MS).toISOString();
  const recent = await trx.selectFrom('outbox').select('id').where('event', '=', 'spool-quarantined').where('created_at', '>', since).limit(1).executeTakeFirst();
  if (recent) return skip(`an alert was queued within the hour (outbox ${recent.id})`);
  const quarantined = await trx.selectFrom('spool').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'quarantined').executeTakeFirstOrThrow();
  const mailboxes = deps.config.mailboxes.map((candidate) => candidate.address);
  // The mailbox, not a reply address with its token, which stays between Guichet and the customer.
  const mailbox = mailboxOfEnvelope(JSON.parse(entry.rcpt_to) as string[], mailboxes) ?? 'support@localhost';
  const from = mailboxes[0] ?? mailbox;
  let mails: OutgoingMail[];
  try {
    mails = deps.config.agents.map((agent) => alertMail(deps, { agent, from, entry, mailbox, reason, detail: input.detail, quarantinedCount: Number(quarantined.n) }));
  } catch (error) {
    // The quarantine itself must not fail for its alert: the entry would stay pending for ever.
    return skip(`cannot render the alert: ${(error as Error).message}`);
  }
  for (const mail of mails) await enqueueMail(trx, { ticketId: null, event: 'spool-quarantined', mail, automatic: false, at });
  await recordDecision(trx, { spoolId: entry.id, ticketId: null, stage: 'notify', code: 'QUARANTINE_ALERT_QUEUED', detail: `to ${deps.config.agents.map((agent) => agent.address).join(', ')}` }, at);
}

interface AlertInput {
  agent: { name: string; address: string };
  from: string;
  entry: SpoolRow;
  mailbox: string;
  reason: string;
  detail: string;
  quarantinedCount: number;
}

function alertMail(deps: MailDeps, { agent, from, entry, mailbox, reason, detail, quarantinedCount }: AlertInput): OutgoingMail {
  const rendered = deps.templates.render('spool-quarantined', deps.templates.resolveLocale(deps.config.locale), {
    agent: { name: agent.name, address: agent.address },
    team: { name: deps.config.outbound.name },
    entry: { id: entry.id, mailbox, mailFrom: entry.mail_from || '<>', receivedAt: entry.received_at, reason, detail },
    quarantinedCount,
  });
  return {
    from: { name: `${deps.config.outbound.name} (Guichet)`, address: from },
    to: [agent.address],
    cc: [],
    replyTo: from,
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    // Signed, so that an agent's answer to the alert is told from a customer's mail (see alert-message-id.ts).
    messageId: makeAlertMessageId(deps.secret, entry.id, from.split('@')[1] ?? 'localhost'),
    inReplyTo: null,
    references: [],
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Loop': from },
    envelope: { from: '', to: [agent.address] },
  };
}
