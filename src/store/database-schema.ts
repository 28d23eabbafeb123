/**
 * Table types for kysely. Every stage talks to the store through `Kysely<Database>` and the
 * repo files beside this one, never through a driver, so another dialect (PostgreSQL) can be
 * added in open-database.ts without touching the stages. Timestamps are ISO-8601 UTC strings.
 */
import type { Generated, Insertable, Selectable } from 'kysely';

export type SpoolState = 'pending' | 'filed' | 'quarantined' | 'held';

export interface SpoolTable {
  id: string;
  state: SpoolState;
  received_at: string;
  remote_address: string | null;
  helo: string | null;
  mail_from: string;
  rcpt_to: string; // JSON array of envelope recipients
  size: number;
  raw_path: string; // relative to dataDir; empty when the message is in spool_raw
  reason: string | null; // quarantine reason code
  detail: string | null;
  ticket_id: number | null;
  attempts: Generated<number>;
  not_before: string | null; // a deferred entry is retried after this time
  released: Generated<number>; // 1: an admin released it from a hold; limits no longer apply
  claimed_by: string | null; // the gateway working on it (several gateways on one PostgreSQL)
  claim_expires_at: string | null;
  processed_at: string | null;
}

/** The whole message, for messages up to INLINE_MESSAGE_BYTES (the others are spool files). */
export interface SpoolRawTable {
  spool_id: string;
  raw: Buffer;
}

export interface TicketTable {
  id: Generated<number>;
  subject: string;
  normalized_subject: string;
  status: string;
  requester: string;
  mailbox: string;
  locale: string;
  created_at: string;
  updated_at: string;
  split_from: number | null;
  merged_into: number | null;
  follows_up: number | null; // the closed ticket a customer wrote to again
  language: string | null; // detected from the first message
  flags_json: Generated<string>; // JSON array, e.g. ["multi_topic"]
  assignee: string | null; // agent address
  queue: string | null;
  priority: Generated<string>; // low | normal | high | urgent
  plan: string | null;
  due_at: string | null; // next response due; null while nothing is owed
  sla_warned: Generated<number>;
  status_changed_at: string | null;
  reminded_at: string | null;
}

export interface MessageTable {
  id: Generated<number>;
  ticket_id: number;
  spool_id: string | null;
  direction: 'in' | 'out';
  message_id: string | null;
  in_reply_to: string | null;
  references_json: string; // JSON array
  from_address: string;
  from_name: string | null;
  to_json: string; // JSON array of addresses
  cc_json: string; // JSON array of addresses
  subject: string;
  text: string;
  new_text: string | null; // inbound: the new part, quotes and signature removed
  html: string | null;
  sent_at: string | null; // the Date header
  flags_json: string; // JSON array of flag words such as "no_from_header"
  auth_json: string | null; // SenderAuth of an inbound message
  author: Generated<'customer' | 'agent' | 'system'>;
  internal: Generated<number>; // 1: an internal note, never sent to the customer
  created_at: string;
}

export interface ParticipantTable {
  ticket_id: number;
  address: string;
  role: 'requester' | 'cc';
  created_at: string;
}

export interface AttachmentTable {
  id: Generated<number>;
  message_row_id: number;
  filename: string | null;
  content_type: string;
  size: number;
  sha256: string;
  stored_path: string; // relative to dataDir
}

export type OutboxState = 'queued' | 'sent' | 'failed';

export interface OutboxTable {
  id: Generated<number>;
  ticket_id: number | null;
  event: string;
  state: OutboxState;
  attempts: Generated<number>;
  next_attempt_at: string;
  last_error: string | null;
  payload_json: string; // OutgoingMail
  recipient: string | null;
  message_id: string | null;
  automatic: Generated<number>; // 1 for automatic mail (acknowledgements, reminders)
  created_at: string;
  sent_at: string | null;
  claimed_by: string | null;
  claim_expires_at: string | null;
}

export interface DecisionTable {
  id: Generated<number>;
  spool_id: string | null;
  ticket_id: number | null;
  stage: string;
  code: string;
  detail: string | null;
  created_at: string;
}

export interface SenderListTable {
  id: Generated<number>;
  list: 'block' | 'allow';
  entry: string;
  created_at: string;
}

export interface Database {
  spool: SpoolTable;
  spool_raw: SpoolRawTable;
  tickets: TicketTable;
  messages: MessageTable;
  participants: ParticipantTable;
  attachments: AttachmentTable;
  outbox: OutboxTable;
  decisions: DecisionTable;
  sender_lists: SenderListTable;
}

export type SpoolRow = Selectable<SpoolTable>;
export type TicketRow = Selectable<TicketTable>;
export type MessageRow = Selectable<MessageTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type NewMessage = Insertable<MessageTable>;
