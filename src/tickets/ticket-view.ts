/**
 * The public shapes of tickets and spool entries, as printed by `guichet … --json` (and served
 * by the admin API). These field names are a stable interface: add fields, never rename.
 */
import type { Kysely } from 'kysely';
import type { Database, OutboxRow, SpoolRow, TicketRow } from '../store/database-schema.js';
import { listDecisions } from '../store/decision-repo.js';
import { listAttachments, listMessages } from '../store/message-repo.js';
import { findTicket, listParticipants, listTickets } from '../store/ticket-repo.js';

export function ticketSummary(ticket: TicketRow, now = new Date()) {
  return {
    id: ticket.id,
    subject: ticket.subject,
    status: ticket.status,
    requester: ticket.requester,
    mailbox: ticket.mailbox,
    locale: ticket.locale,
    language: ticket.language,
    flags: JSON.parse(ticket.flags_json) as string[],
    splitFrom: ticket.split_from,
    mergedInto: ticket.merged_into,
    followsUp: ticket.follows_up,
    assignee: ticket.assignee,
    queue: ticket.queue,
    priority: ticket.priority,
    plan: ticket.plan,
    dueAt: ticket.due_at,
    breached: ticket.due_at !== null && ticket.due_at < now.toISOString(),
    createdAt: ticket.created_at,
    updatedAt: ticket.updated_at,
  };
}

export async function ticketList(db: Kysely<Database>, filter: { status?: string }) {
  const now = new Date();
  return (await listTickets(db, filter)).map((ticket) => ticketSummary(ticket, now));
}

export async function ticketDetail(db: Kysely<Database>, id: number) {
  const ticket = await findTicket(db, id);
  if (!ticket) return undefined;
  const messages = await listMessages(db, id);
  const attachments = await listAttachments(db, messages.map((message) => message.id));
  return {
    ...ticketSummary(ticket),
    participants: await listParticipants(db, id),
    messages: messages.map((message) => ({
      direction: message.direction,
      from: message.from_address,
      to: JSON.parse(message.to_json) as string[],
      cc: JSON.parse(message.cc_json) as string[],
      subject: message.subject,
      text: message.text,
      newText: message.new_text,
      author: message.author,
      internal: message.internal === 1,
      messageId: message.message_id,
      createdAt: message.created_at,
      spoolId: message.spool_id,
      flags: JSON.parse(message.flags_json) as string[],
      attachments: attachments
        .filter((attachment) => attachment.message_row_id === message.id)
        .map((attachment) => ({ filename: attachment.filename, contentType: attachment.content_type, size: attachment.size, sha256: attachment.sha256 })),
    })),
    decisions: (await listDecisions(db, { ticketId: id })).map((decision) => ({
      stage: decision.stage,
      code: decision.code,
      detail: decision.detail,
      spoolId: decision.spool_id,
      createdAt: decision.created_at,
    })),
  };
}

export function spoolEntryView(entry: SpoolRow) {
  return {
    id: entry.id,
    state: entry.state,
    receivedAt: entry.received_at,
    mailFrom: entry.mail_from,
    rcptTo: JSON.parse(entry.rcpt_to) as string[],
    size: entry.size,
    ticketId: entry.ticket_id,
    reason: entry.reason,
    detail: entry.detail,
    attempts: entry.attempts,
    rawPath: entry.raw_path,
    /** "row": a small message kept in its spool row (rawPath is empty); "file": rawPath under dataDir. */
    rawStored: entry.raw_path === '' ? 'row' : 'file',
  };
}

export function outboxEntryView(mail: OutboxRow) {
  return {
    id: mail.id,
    ticketId: mail.ticket_id,
    event: mail.event,
    state: mail.state,
    recipient: mail.recipient,
    attempts: mail.attempts,
    nextAttemptAt: mail.next_attempt_at,
    lastError: mail.last_error,
    createdAt: mail.created_at,
    sentAt: mail.sent_at,
  };
}

