/**
 * Lifecycle and response targets: the ticket's plan, when its next response is due (null while
 * nothing is owed: answered, awaiting the customer, resolved, closed), whether agents were
 * warned of the coming breach, when its status last changed, and when a reminder was sent.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tickets').addColumn('plan', 'text').execute();
  await db.schema.alterTable('tickets').addColumn('due_at', 'text').execute();
  await db.schema.alterTable('tickets').addColumn('sla_warned', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('tickets').addColumn('status_changed_at', 'text').execute();
  await db.schema.alterTable('tickets').addColumn('reminded_at', 'text').execute();
  await db.schema.createIndex('tickets_due').on('tickets').columns(['due_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('tickets_due').execute();
  for (const column of ['reminded_at', 'status_changed_at', 'sla_warned', 'due_at', 'plan']) await db.schema.alterTable('tickets').dropColumn(column).execute();
}
