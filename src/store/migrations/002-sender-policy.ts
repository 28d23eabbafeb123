/**
 * Sender policy: editable block/allow lists, what each outgoing mail was (recipient, automatic
 * or not, for per-sender rate limits; its Message-ID, to match bounces), the sender authentication result of each inbound
 * message, and a release flag for spool entries an admin let through a hold.
 */
import type { Kysely } from 'kysely';
import { autoNumberedKey } from '../store-dialect.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sender_lists')
    .addColumn('id', ...autoNumberedKey(db))
    .addColumn('list', 'text', (c) => c.notNull()) // 'block' | 'allow'
    .addColumn('entry', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('sender_lists_entry', ['list', 'entry'])
    .execute();
  await db.schema.alterTable('outbox').addColumn('recipient', 'text').execute();
  await db.schema.alterTable('outbox').addColumn('automatic', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('outbox').addColumn('message_id', 'text').execute();
  await db.schema.createIndex('outbox_message_id').on('outbox').column('message_id').execute();
  await db.schema.createIndex('outbox_recipient').on('outbox').columns(['recipient', 'created_at']).execute();
  await db.schema.alterTable('messages').addColumn('auth_json', 'text').execute();
  await db.schema.alterTable('spool').addColumn('released', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.createIndex('tickets_requester').on('tickets').columns(['requester', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('tickets_requester').execute();
  await db.schema.alterTable('spool').dropColumn('released').execute();
  await db.schema.alterTable('messages').dropColumn('auth_json').execute();
  await db.schema.dropIndex('outbox_recipient').execute();
  await db.schema.dropIndex('outbox_message_id').execute();
  await db.schema.alterTable('outbox').dropColumn('message_id').execute();
  await db.schema.alterTable('outbox').dropColumn('automatic').execute();
  await db.schema.alterTable('outbox').dropColumn('recipient').execute();
  await db.schema.dropTable('sender_lists').execute();
}
