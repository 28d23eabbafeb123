/**
 * Files an inbound message into its ticket, inside the caller's transaction: creates the ticket
 * or moves the existing one through the lifecycle, stores the message and its attachments, and
 * adds participants (a reply from another address or a CC joins the ticket; it never replaces
 * the requester). The same Message-ID from the same sender twice (CC'd to two of our mailboxes)
 * is recognised and filed once. Output: what happened, for the notify stage.
 */
import type { Transaction } from 'kysely';
import type { MailAddress, ParsedMessage } from '../parse/parsed-message.js';
import type { SenderAuth } from '../policy/check-sender-auth.js';
import { normalizeSubject } from '../parse/normalize-subject.js';
import { resolveRecipient } from '../smtp/resolve-recipient.js';
import type { Database, TicketRow } from '../store/database-schema.js';
import { findInboundDuplicate, insertMessage } from '../store/message-repo.js';
import { addParticipant, findTicket, insertTicket, updateTicketStatus } from '../store/ticket-repo.js';
import type { ThreadDecision } from '../thread/thread-decision.js';
import { nextStatus } from './ticket-lifecycle.js';
import { isTicketStatus } from './ticket-status.js';

export interface FileInput {
  spoolId: string;
  message: ParsedMessage;
  sender: MailAddress;
  flags: readonly string[];
  auth: SenderAuth | null;
  mailbox: string;
  ourAddresses: readonly string[];
  decision: ThreadDecision;
  locale: string;
  /** False for messages that are not the customer speaking (delivery reports): the status stays. */
  advanceStatus: boolean;
  at: string;
}

export type FileOutcome =
  | { kind: 'filed'; ticket: TicketRow; messageRowId: number; isNewTicket: boolean; note: string | null }
  | { kind: 'duplicate'; ticket: TicketRow; duplicateOf: number };

export async function fileMessage(trx: Transaction<Database>, input: FileInput): Promise<FileOutcome> {
  if (input.message.messageId) {
    const duplicate = await findInboundDuplicate(trx, input.message.messageId, input.sender.address);
    const ticket = duplicate ? await findTicket(trx, duplicate.ticket_id) : undefined;
    if (duplicate && ticket) return { kind: 'duplicate', ticket, duplicateOf: duplicate.id };
  }
  const { ticket: found, note } = await existingTicket(trx, input);
  const isNewTicket = found === undefined;
  const ticket = !found ? await openTicket(trx, input) : input.advanceStatus ? await advanceTicket(trx, found, input.at) : found;
  const messageRowId = await insertMessage(
    trx,
    {
      ticket_id: ticket.id,
      spool_id: input.spoolId,
      direction: 'in',
      message_id: input.message.messageId,
      in_reply_to: input.message.inReplyTo,
      references_json: JSON.stringify(input.message.references),
      from_address: input.sender.address,
      from_name: input.sender.name,
      to_json: JSON.stringify(input.message.to.map((to) => to.address)),
      cc_json: JSON.stringify(input.message.cc.map((cc) => cc.address)),
      subject: input.message.subject,
      text: input.message.text,
      html: input.message.html,
      sent_at: input.message.date,
      flags_json: JSON.stringify(input.flags),
      auth_json: input.auth ? JSON.stringify(input.auth) : null,
      created_at: input.at,
    },
    input.message.attachments,
  );
  await addParticipants(trx, ticket.id, input);
  return { kind: 'filed', ticket, messageRowId, isNewTicket, note };
}

async function existingTicket(trx: Transaction<Database>, input: FileInput): Promise<{ ticket: TicketRow | undefined; note: string | null }> {
  if (input.decision.kind !== 'existing') return { ticket: undefined, note: null };
  const ticket = await findTicket(trx, input.decision.ticketId);
  // A closed ticket stays closed: writing again opens a new ticket (the lifecycle issue links them).
  if (ticket?.status === 'closed') return { ticket: undefined, note: `ticket #${ticket.id} is closed` };
  return { ticket, note: null };
}

async function openTicket(trx: Transaction<Database>, input: FileInput): Promise<TicketRow> {
  const subject = normalizeSubject(input.message.subject) || input.message.subject.trim() || '(no subject)';
  const ticket = await insertTicket(trx, {
    subject,
    normalizedSubject: subject.toLowerCase(),
    requester: input.sender.address,
    mailbox: input.mailbox,
    locale: input.locale,
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
