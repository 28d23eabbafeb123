/**
 * Renders a mail to the customer of a ticket and queues it in the outbox, inside the caller's
 * transaction; the mail is also stored as an outgoing ticket message so its Message-ID threads
 * the customer's reply. Automatic mail carries Auto-Submitted and X-Auto-Response-Suppress
 * (so out-of-office robots stay quiet, RFC 3834), X-Loop with our mailbox, and the null
 * reverse-path, and it is threaded to the customer's message with In-Reply-To/References.
 */
import type { Transaction } from 'kysely';
import type { Config } from '../config/config-schema.js';
import type { Database, TicketRow } from '../store/database-schema.js';
import { insertMessage } from '../store/message-repo.js';
import { enqueueMail } from '../store/outbox-repo.js';
import { makeReplyToken, replyAddress } from '../thread/reply-token.js';
import { makeMessageId } from '../thread/signed-message-id.js';
import type { OutgoingMail } from './outgoing-mail.js';
import type { TemplateStore } from './template-store.js';

export interface CustomerMailInput {
  event: string;
  ticket: TicketRow;
  to: { address: string; name: string | null };
  cc?: readonly string[];
  inReplyTo: string | null;
  references: readonly string[];
  automatic: boolean;
  extra?: Record<string, unknown>;
  /** Display name on From (an agent's name for their replies); the team name otherwise. */
  fromName?: string;
  attachments?: OutgoingMail['attachments'];
  at: string;
}

/** What every mail Guichet queues needs: the config, the HMAC secret and the templates. */
export interface MailDeps {
  config: Config;
  secret: string;
  templates: TemplateStore;
}

export async function queueCustomerMail(trx: Transaction<Database>, deps: MailDeps, input: CustomerMailInput): Promise<number> {
  const { ticket } = input;
  const teamName = deps.config.outbound.name;
  // Non-automatic mail bounces to outbound.from, else to the ticket's mailbox; automatic mail uses <>.
  const envelopeFrom = input.automatic ? '' : (deps.config.outbound.from ?? ticket.mailbox);
  const locale = deps.templates.resolveLocale(ticket.locale);
  const rendered = deps.templates.render(input.event, locale, {
    ticket: { id: ticket.id, subject: ticket.subject, status: ticket.status, statusLabel: deps.templates.label(locale, ticket.status) },
    customer: { name: input.to.name, address: input.to.address },
    team: { name: teamName },
    mailbox: ticket.mailbox,
    ...input.extra,
  });
  const domain = ticket.mailbox.split('@')[1] ?? 'localhost';
  const references = [...input.references, ...(input.inReplyTo ? [input.inReplyTo] : [])].filter((id, index, all) => all.indexOf(id) === index);
  const mail: OutgoingMail = {
    from: { name: input.fromName ?? teamName, address: ticket.mailbox },
    to: [input.to.address],
    cc: [...(input.cc ?? [])],
    replyTo: replyAddress(ticket.mailbox, makeReplyToken(deps.secret, { ticketId: ticket.id, agentKey: null })),
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    messageId: makeMessageId(deps.secret, ticket.id, domain),
    inReplyTo: input.inReplyTo,
    references: references.slice(-20),
    headers: input.automatic
      ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All', 'X-Loop': ticket.mailbox }
      : { 'X-Loop': ticket.mailbox },
    envelope: { from: envelopeFrom, to: [input.to.address, ...(input.cc ?? [])] },
    ...(input.attachments && input.attachments.length > 0 ? { attachments: input.attachments } : {}),
  };
  await insertMessage(trx, {
    ticket_id: ticket.id,
    spool_id: null,
    direction: 'out',
    message_id: mail.messageId,
    in_reply_to: mail.inReplyTo,
    references_json: JSON.stringify(mail.references),
    from_address: mail.from.address,
    from_name: mail.from.name,
    to_json: JSON.stringify(mail.to),
    cc_json: JSON.stringify(mail.cc),
    subject: mail.subject,
    text: mail.text,
    html: null,
    sent_at: input.at,
    flags_json: JSON.stringify([input.event]),
    auth_json: null,
    author: input.automatic ? 'system' : 'agent',
    created_at: input.at,
  });
  return enqueueMail(trx, { ticketId: ticket.id, event: input.event, mail, automatic: input.automatic, at: input.at });
}
