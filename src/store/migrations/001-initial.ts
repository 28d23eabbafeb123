/**
 * The initial schema. Written with kysely's schema builder only (no dialect-specific SQL) so the
 * same migration runs on SQLite and PostgreSQL. Indexes follow the hot queries: pending spool
 * entries, due outbox rows, Message-ID look-ups for threading, and the oldest-first ticket queue.
 */
import type { Kysely } from 'kysely';
import { autoNumberedKey } from '../store-dialect.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('spool')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('remote_address', 'text')
    .addColumn('helo', 'text')
    .addColumn('mail_from', 'text', (c) => c.notNull())
    .addColumn('rcpt_to', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('raw_path', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('detail', 'text')
    .addColumn('ticket_id', 'integer')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('not_before', 'text')
    .addColumn('processed_at', 'text')
    .execute();
  await db.schema.createIndex('spool_state').on('spool').columns(['state', 'received_at']).execute();

  await db.schema
    .createTable('tickets')
    .addColumn('id', ...autoNumberedKey(db))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('normalized_subject', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('requester', 'text', (c) => c.notNull())
    .addColumn('mailbox', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('tickets_queue').on('tickets').columns(['status', 'created_at', 'id']).execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', ...autoNumberedKey(db))
    .addColumn('ticket_id', 'integer', (c) => c.notNull().references('tickets.id'))
    .addColumn('spool_id', 'text', (c) => c.unique())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('in_reply_to', 'text')
    .addColumn('references_json', 'text', (c) => c.notNull())
    .addColumn('from_address', 'text', (c) => c.notNull())
    .addColumn('from_name', 'text')
    .addColumn('to_json', 'text', (c) => c.notNull())
    .addColumn('cc_json', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('html', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('flags_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('messages_ticket').on('messages').columns(['ticket_id', 'id']).execute();
  await db.schema.createIndex('messages_message_id').on('messages').column('message_id').execute();

  await db.schema
    .createTable('participants')
    .addColumn('ticket_id', 'integer', (c) => c.notNull().references('tickets.id'))
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('participants_pk', ['ticket_id', 'address'])
    .execute();

  await db.schema
    .createTable('attachments')
    .addColumn('id', ...autoNumberedKey(db))
    .addColumn('message_row_id', 'integer', (c) => c.notNull().references('messages.id'))
    .addColumn('filename', 'text')
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('stored_path', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', ...autoNumberedKey(db))
    .addColumn('ticket_id', 'integer')
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('payload_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema.createIndex('outbox_due').on('outbox').columns(['state', 'next_attempt_at']).execute();

  await db.schema
    .createTable('decisions')
    .addColumn('id', ...autoNumberedKey(db))
    .addColumn('spool_id', 'text')
    .addColumn('ticket_id', 'integer')
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('decisions_spool').on('decisions').column('spool_id').execute();
  await db.schema.createIndex('decisions_ticket').on('decisions').column('ticket_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['decisions', 'outbox', 'attachments', 'participants', 'messages', 'tickets', 'spool']) {
    await db.schema.dropTable(table).execute();
  }
}
