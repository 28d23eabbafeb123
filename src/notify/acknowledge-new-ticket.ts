/**
 * Whether a new ticket gets its automatic acknowledgement, and queuing it: `ack-split-ticket`
 * when a reply on another topic was split into it, else `ack-new-ticket` (with the split hint
 * when the first message holds several requests). Withheld (and the
 * reason recorded) when policy says the message is machine-written or from ourselves, when the
 * sender is not authenticated and the config requires it, or when the sender already received
 * `autoReply.maxPerSender` automatic mails within `autoReply.periodMinutes`: a flood of forged
 * mail must not turn the support address into a spam cannon.
 */
import type { Transaction } from 'kysely';
import type { Config } from '../config/config-schema.js';
import type { MailAddress, ParsedMessage } from '../parse/parsed-message.js';
import type { SenderAuth } from '../policy/check-sender-auth.js';
import type { Verdict } from '../policy/verdict.js';
import type { Database, TicketRow } from '../store/database-schema.js';
import type { TicketLink } from '../tickets/file-message.js';
import { recordDecision } from '../store/decision-repo.js';
import { countAutomaticMailTo } from '../store/outbox-repo.js';
import { queueCustomerMail, type MailDeps } from './queue-customer-mail.js';

export interface AcknowledgeInput {
  spoolId: string;
  ticket: TicketRow;
  sender: MailAddress;
  message: ParsedMessage;
  verdict: Verdict;
  auth: SenderAuth;
  link: TicketLink | null;
  multiTopic: boolean;
  at: string;
}

export async function acknowledgeNewTicket(trx: Transaction<Database>, deps: MailDeps, input: AcknowledgeInput): Promise<'queued' | 'suppressed'> {
  const { spoolId, ticket, at } = input;
  const withheld = await reasonToWithhold(trx, deps.config, input);
  if (withheld) {
    await recordDecision(trx, { spoolId, ticketId: ticket.id, stage: 'policy', code: 'ACK_SUPPRESSED', detail: withheld }, at);
    return 'suppressed';
  }
  await queueCustomerMail(trx, deps, {
    event: input.link?.kind === 'split' ? 'ack-split-ticket' : 'ack-new-ticket',
    extra: {
      previous: input.link ? { id: input.link.from.id, subject: input.link.from.subject, closed: input.link.kind === 'after_closed' } : null,
      multiTopic: input.multiTopic,
    },
    ticket,
    to: input.sender,
    inReplyTo: input.message.messageId,
    references: input.message.references,
    automatic: true,
    at,
  });
  await recordDecision(trx, { spoolId, ticketId: ticket.id, stage: 'notify', code: 'ACK_QUEUED', detail: `to ${input.sender.address}` }, at);
  return 'queued';
}

async function reasonToWithhold(trx: Transaction<Database>, config: Config, input: AcknowledgeInput): Promise<string | null> {
  if (!input.verdict.autoReply) return `${input.verdict.reason}: ${input.verdict.detail}`;
  if (requiresAuthenticatedSender(config) && !input.auth.aligned) {
    return `unauthenticated_sender: spf=${input.auth.spf} dkim=${input.auth.dkim} dmarc=${input.auth.dmarc}, none aligned with ${input.auth.fromDomain ?? 'the From domain'}`;
  }
  const since = new Date(Date.parse(input.at) - config.autoReply.periodMinutes * 60_000).toISOString();
  const sent = await countAutomaticMailTo(trx, input.sender.address, since);
  if (sent >= config.autoReply.maxPerSender) {
    return `rate_limited: ${sent} automatic mails to ${input.sender.address} in the last ${config.autoReply.periodMinutes} minutes`;
  }
  return null;
}

/** On by default unless the listener is on loopback (behind a relay, the client IP is the relay's and SPF cannot pass). */
export function requiresAuthenticatedSender(config: Config): boolean {
  return config.autoReply.requireAuthenticatedSender ?? !['127.0.0.1', '::1', 'localhost'].includes(config.smtp.host);
}
