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
import type { MailAddress, ParsedMessage } from '../parse/parsed-message.js';
import { normalizeSubject } from '../parse/normalize-subject.js';
import type { SenderAuth } from '../policy/check-sender-auth.js';
import { resolveRecipient } from '../smtp/resolve-recipient.js';
import type { Database, TicketRow } from '../store/database-schema.js';
import { findInboundDuplicate, insertMessage } from '../store/message-repo.js';
import { addParticipant, findTicket, insertTicket, updateTicketStatus } from '../store/ticket-repo.js';
import { detectMultipleTopics, type MultiTopicResult } from '../thread/detect-multiple-topics.js';
import { isTopicChange } from '../thread/is-topic-change.js';
import type { ThreadDecision } from '../thread/thread-decision.js';
import { inboundMessageRow } from './inbound-message-row.js';
import { nextStatus } from './ticket-lifecycle.js';
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
  /** For a new ticket: the detected language and the template locale chosen from it. */
  language: string | null;
  locale: string;
  splitThreshold: number;
  /** False for messages that are not the customer speaking (delivery reports): no status change, no split. */
  fromCustomer: boolean;
  at: string;
}

export type TicketLink = { kind: 'split'; from: TicketRow; similarity: number } | { kind: 'after_closed'; from: TicketRow };

export type FileOutcome =
  | { kind: 'filed'; ticket: TicketRow; messageRowId: number; isNewTicket: boolean; link: TicketLink | null; multiTopic: MultiTopicResult | null }
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
  if (found) {
    ticket = input.fromCustomer ? await advanceTicket(trx, found, input.at) : found;
  } else {
    multiTopic = detectMultipleTopics(input.newText);
    ticket = await openTicket(trx, input, link, multiTopic.multiTopic);
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
  await addParticipants(trx, ticket.id, input);
  return { kind: 'filed', ticket, messageRowId, isNewTicket: !found, link, multiTopic };
}

/** The ticket the message continues, or why it starts a new linked one instead. */
async function existingTicket(trx: Transaction<Database>, input: FileInput): Promise<{ found: TicketRow | undefined; link: TicketLink | null }> {
  if (input.decision.kind !== 'existing') return { found: undefined, link: null };
  const ticket = await findTicket(trx, input.decision.ticketId);
  if (!ticket) return { found: undefined, link: null };
  if (!input.fromCustomer) return { found: ticket, link: null };
  if (ticket.status === 'closed') return { found: undefined, link: { kind: 'after_closed', from: ticket } };
  const change = isTopicChange(ticket.subject, input.message.subject, input.splitThreshold);
  if (change.changed) return { found: undefined, link: { kind: 'split', from: ticket, similarity: change.similarity } };
  return { found: ticket, link: null };
}

async function openTicket(trx: Transaction<Database>, input: FileInput, link: TicketLink | null, multiTopic: boolean): Promise<TicketRow> {
  const subject = normalizeSubject(input.message.subject) || input.message.subject.trim() || '(no subject)';
  const ticket = await insertTicket(trx, {
    subject,
    normalizedSubject: subject.toLowerCase(),
    requester: input.sender.address,
    mailbox: input.mailbox,
    locale: input.locale,
    language: input.language,
    flags: multiTopic ? ['multi_topic'] : [],
    splitFrom: link?.kind === 'split' ? link.from.id : null,
    followsUp: link?.kind === 'after_closed' ? link.from.id : null,
    queue: input.queue,
    createdAt: input.at,
  });
  await addParticipant(trx, ticket.id, input.sender.address, 'requester', input.at);
  return ticket;
}

async function advanceTicket(trx: Transaction<Database>, ticket: TicketRow, at: string): Promise<TicketRow> {
  const current = isTicketStatus(ticket.status) ? ticket.status : 'new';
  const status = nextStatus(current, 'customer_message');
  await updateTicketStatus(trx, ticket.id, status, at);
  return { ...ticket, status, updated_at: at };
}

async function addParticipants(trx: Transaction<Database>, ticketId: number, input: FileInput): Promise<void> {
  const addresses = [input.sender, ...input.message.to, ...input.message.cc].map((address) => address.address);
  for (const address of new Set(addresses)) {
    if (resolveRecipient(address, input.ourAddresses)) continue; // our own mailboxes and reply addresses
    await addParticipant(trx, ticketId, address, 'cc', input.at);
  }
}
