/**
 * Files an inbound message into its ticket, inside the caller's transaction. One subject per
 * ticket: a customer reply that threads into a ticket but changes topic opens a new ticket
 * linked to it (split_from), and so does writing again on a closed ticket (follows_up). A new
 * ticket whose first message holds several requests is flagged multi_topic. Otherwise the
 * existing ticket moves through the lifecycle. Participants: a reply from another address or a
 * CC joins the ticket; it never replaces the requester. The same Message-ID from the same
 * sender twice (CC'd to two of our mailboxes) is recognised and filed once.
 */
import type { Transaction } from 'kysely';
import type { Config } from '../config/config-schema.js';
import type { MailAddress, ParsedMessage } from '../parse/parsed-message.js';
import { normalizeSubject } from '../parse/normalize-subject.js';
import type { SenderAuth } from '../policy/check-sender-auth.js';
import { resolveRecipient } from '../smtp/resolve-recipient.js';
import type { Database, TicketRow } from '../store/database-schema.js';
import { findInboundDuplicate, insertMessage } from '../store/message-repo.js';
import { addParticipants, findTicket, insertTicket } from '../store/ticket-repo.js';
import { detectMultipleTopics, type MultiTopicResult } from '../thread/detect-multiple-topics.js';
import { isTopicChange } from '../thread/is-topic-change.js';
import type { ThreadDecision } from '../thread/thread-decision.js';
import { inboundMessageRow } from './inbound-message-row.js';
import { computeDueAt } from './compute-due-at.js';
import { findUrgencyPhrase } from './detect-urgency.js';
import { routeCustomer } from './route-customer.js';
import { statusFields } from './status-fields.js';
import { nextStatus, type TicketEvent } from './ticket-lifecycle.js';
import { isTicketStatus } from './ticket-status.js';

export interface FileInput {
  spoolId: string;
  message: ParsedMessage;
  newText: string;
  sender: MailAddress;
  flags: readonly string[];
  auth: SenderAuth | null;
  mailbox: string;
  queue: string | null;
  ourAddresses: readonly string[];
  decision: ThreadDecision;
  /** For a new ticket only: its language and the template locale chosen from it (computed on demand: detection costs milliseconds). */
  chooseLanguage: () => Promise<{ language: string | null; locale: string }>;
  splitThreshold: number;
  /** False for messages that are not the customer speaking (delivery reports): no status change, no split. */
  fromCustomer: boolean;
  config: Pick<Config, 'plans' | 'calendars' | 'customers' | 'defaultPlan' | 'urgency' | 'lifecycle'>;
  at: string;
}

export type TicketLink = { kind: 'split'; from: TicketRow; similarity: number } | { kind: 'after_closed'; from: TicketRow };

/** A status change the customer should hear about, caused by their own message. */
export type CustomerStatusChange = 'reopened' | 'resolved_by_customer' | null;

export type FileOutcome =
  | {
      kind: 'filed';
      ticket: TicketRow;
      messageRowId: number;
      isNewTicket: boolean;
      link: TicketLink | null;
      multiTopic: MultiTopicResult | null;
      urgentPhrase: string | null;
      statusChange: CustomerStatusChange;
    }
  | { kind: 'duplicate'; ticket: TicketRow; duplicateOf: number };

export async function fileMessage(trx: Transaction<Database>, input: FileInput): Promise<FileOutcome> {
  if (input.message.messageId) {
    const duplicate = await findInboundDuplicate(trx, input.message.messageId, input.sender.address);
    const ticket = duplicate ? await findTicket(trx, duplicate.ticket_id) : undefined;
    if (duplicate && ticket) return { kind: 'duplicate', ticket, duplicateOf: duplicate.id };
  }
  const { found, link } = await existingTicket(trx, input);
  let ticket: TicketRow;
  let multiTopic: MultiTopicResult | null = null;
  let statusChange: CustomerStatusChange = null;
  const urgentPhrase = input.fromCustomer ? findUrgencyPhrase(`${input.message.subject}\n${input.newText}`, input.config.urgency.keywords) : null;
  if (found) {
    const event = wantsToResolve(input.newText, input.config.lifecycle.customerResolveKeywords) ? 'customer_resolve' : 'customer_message';
    ticket = input.fromCustomer ? await advanceTicket(trx, input.config, found, event, urgentPhrase !== null, input.at) : found;
    if (ticket.status !== found.status) statusChange = ticket.status === 'reopened' ? 'reopened' : ticket.status === 'resolved' ? 'resolved_by_customer' : null;
  } else {
    multiTopic = detectMultipleTopics(input.newText);
    ticket = await openTicket(trx, input, link, multiTopic.multiTopic, urgentPhrase !== null);
  }
  const row = inboundMessageRow({
    ticketId: ticket.id,
    spoolId: input.spoolId,
    message: input.message,
    sender: input.sender,
    newText: input.newText,
    flags: input.flags,
    authJson: input.auth ? JSON.stringify(input.auth) : null,
    author: 'customer',
    internal: false,
    at: input.at,
  });
  const messageRowId = await insertMessage(trx, row, input.message.attachments);
  await addCopiedParticipants(trx, ticket.id, input, !found);
  return { kind: 'filed', ticket, messageRowId, isNewTicket: !found, link, multiTopic, urgentPhrase, statusChange };
}

/** The ticket the message continues, or why it starts a new linked one instead. */
async function existingTicket(trx: Transaction<Database>, input: FileInput): Promise<{ found: TicketRow | undefined; link: TicketLink | null }> {
  if (input.decision.kind !== 'existing') return { found: undefined, link: null };
  const addressed = await findTicket(trx, input.decision.ticketId);
  let ticket = addressed;
  // A merged ticket forwards its mail to the ticket it was merged into (a few hops at most).
  for (let hops = 0; ticket?.merged_into && hops < 5; hops++) ticket = (await findTicket(trx, ticket.merged_into)) ?? ticket;
  if (!ticket || !addressed) return { found: undefined, link: null };
  if (!input.fromCustomer) return { found: ticket, link: null };
  if (ticket.status === 'closed') return { found: undefined, link: { kind: 'after_closed', from: ticket } };
  // The reply's subject is about the ticket the customer answered, even when that one was merged.
  const change = isTopicChange(addressed.subject, input.message.subject, input.splitThreshold);
  if (change.changed) return { found: undefined, link: { kind: 'split', from: ticket, similarity: change.similarity } };
  return { found: ticket, link: null };
}

async function openTicket(trx: Transaction<Database>, input: FileInput, link: TicketLink | null, multiTopic: boolean, urgent: boolean): Promise<TicketRow> {
  const subject = normalizeSubject(input.message.subject) || input.message.subject.trim() || '(no subject)';
  const route = routeCustomer(input.config, input.sender.address);
  const { language, locale } = await input.chooseLanguage();
  const ticket = await insertTicket(trx, {
    subject,
    normalizedSubject: subject.toLowerCase(),
    requester: input.sender.address,
    mailbox: input.mailbox,
    locale,
    language,
    flags: multiTopic ? ['multi_topic'] : [],
    splitFrom: link?.kind === 'split' ? link.from.id : null,
    followsUp: link?.kind === 'after_closed' ? link.from.id : null,
    queue: route.queue ?? input.queue,
    assignee: route.accountManager,
    plan: route.plan,
    priority: urgent ? 'urgent' : 'normal',
    dueAt: computeDueAt(input.config, route.plan, 'first', urgent, new Date(input.at)),
    createdAt: input.at,
  });
  await addParticipants(trx, ticket.id, [input.sender.address], 'requester', input.at);
  return ticket;
}

/** A line of the new text that is one of the self-resolve keywords (#resolved, #résolu…). */
function wantsToResolve(newText: string, keywords: readonly string[]): boolean {
  const wanted = keywords.map((keyword) => keyword.toLowerCase());
  return newText.split('\n').some((line) => wanted.includes(line.trim().toLowerCase()));
}

async function advanceTicket(trx: Transaction<Database>, config: FileInput['config'], ticket: TicketRow, event: TicketEvent, urgent: boolean, at: string): Promise<TicketRow> {
  const current = isTicketStatus(ticket.status) ? ticket.status : 'new';
  // An urgent phrase raises the priority (never lowers it) before the response clock restarts.
  const raised = urgent && ticket.priority !== 'urgent' ? { ...ticket, priority: 'urgent' } : ticket;
  const fields = { ...statusFields(config, raised, nextStatus(current, event), at), priority: raised.priority };
  await trx.updateTable('tickets').set(fields).where('id', '=', ticket.id).execute();
  return { ...raised, ...fields };
}

/** The sender and everyone the message was copied to, as cc (a new ticket's sender is its requester already). */
async function addCopiedParticipants(trx: Transaction<Database>, ticketId: number, input: FileInput, opened: boolean): Promise<void> {
  const addresses = new Set([input.sender, ...input.message.to, ...input.message.cc].map((address) => address.address.toLowerCase()));
  if (opened) addresses.delete(input.sender.address.toLowerCase());
  // Not our own mailboxes and reply addresses.
  const others = [...addresses].filter((address) => !resolveRecipient(address, input.ourAddresses));
  await addParticipants(trx, ticketId, others, 'cc', input.at);
}
