/**
 * Messages of a ticket, both directions, with their attachments. A Message-ID is recorded for
 * every message so later replies thread by In-Reply-To/References.
 */
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { StoredAttachment } from '../parse/parsed-message.js';
import type { Database, MessageRow, MessageTable } from './database-schema.js';
import { prepareQuery } from './prepared-query.js';

type Db = Kysely<Database> | Transaction<Database>;

export async function insertMessage(db: Db, message: Insertable<MessageTable>, attachments: readonly StoredAttachment[] = []): Promise<number> {
  const row = (await insertMessageRow(db, { ...message, author: message.author ?? 'customer', internal: message.internal ?? 0 })).rows[0]!;
  if (attachments.length > 0) {
    await db
      .insertInto('attachments')
      .values(
        attachments.map((attachment) => ({
          message_row_id: row.id,
          filename: attachment.filename,
          content_type: attachment.contentType,
          size: attachment.size,
          sha256: attachment.sha256,
          stored_path: attachment.storedPath,
        })),
      )
      .execute();
  }
  return row.id;
}

/** Every column written, so one compiled statement serves both directions (defaults as in migration 004). */
const insertMessageRow = prepareQuery((db, v: Insertable<MessageTable>) =>
  db
    .insertInto('messages')
    .values({
      ticket_id: v.ticket_id,
      spool_id: v.spool_id,
      direction: v.direction,
      message_id: v.message_id,
      in_reply_to: v.in_reply_to,
      references_json: v.references_json,
      from_address: v.from_address,
      from_name: v.from_name,
      to_json: v.to_json,
      cc_json: v.cc_json,
      subject: v.subject,
      text: v.text,
      new_text: v.new_text,
      html: v.html,
      sent_at: v.sent_at,
      flags_json: v.flags_json,
      auth_json: v.auth_json,
      author: v.author,
      internal: v.internal,
      created_at: v.created_at,
    })
    .returning('id'),
);

/** An inbound message already filed with this Message-ID from this sender (the same mail CC'd to two mailboxes). */
export async function findInboundDuplicate(db: Db, messageId: string, from: string): Promise<MessageRow | undefined> {
  return (await selectInboundDuplicate(db, { messageId, from })).rows[0];
}

const selectInboundDuplicate = prepareQuery((db, v: { messageId: string; from: string }) =>
  db.selectFrom('messages').selectAll().where('message_id', '=', v.messageId).where('direction', '=', 'in').where('from_address', '=', v.from),
);

export async function listMessages(db: Db, ticketId: number): Promise<MessageRow[]> {
  return db.selectFrom('messages').selectAll().where('ticket_id', '=', ticketId).orderBy('id').execute();
}

export async function listAttachments(db: Db, messageRowIds: readonly number[]) {
  if (messageRowIds.length === 0) return [];
  return db.selectFrom('attachments').selectAll().where('message_row_id', 'in', [...messageRowIds]).orderBy('id').execute();
}

/** Flags our outgoing messages with these Message-IDs as bounced. */
export async function flagOutgoingBounced(db: Db, messageIds: readonly string[]): Promise<void> {
  if (messageIds.length === 0) return;
  const rows = await db.selectFrom('messages').select(['id', 'flags_json']).where('direction', '=', 'out').where('message_id', 'in', [...messageIds]).execute();
  for (const row of rows) {
    const flags = new Set(JSON.parse(row.flags_json) as string[]).add('bounced');
    await db.updateTable('messages').set({ flags_json: JSON.stringify([...flags]) }).where('id', '=', row.id).execute();
  }
}
