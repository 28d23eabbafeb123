/**
 * Agents: who a ticket is assigned to, its queue and priority, and for each message who wrote
 * it (customer, agent, system) and whether it is an internal note that customers never see.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tickets').addColumn('assignee', 'text').execute();
  await db.schema.alterTable('tickets').addColumn('queue', 'text').execute();
  await db.schema.alterTable('tickets').addColumn('priority', 'text', (c) => c.notNull().defaultTo('normal')).execute();
  await db.schema.alterTable('messages').addColumn('author', 'text', (c) => c.notNull().defaultTo('customer')).execute();
  await db.schema.alterTable('messages').addColumn('internal', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('internal').execute();
  await db.schema.alterTable('messages').dropColumn('author').execute();
  for (const column of ['priority', 'queue', 'assignee']) await db.schema.alterTable('tickets').dropColumn(column).execute();
}
