/**
 * One subject per ticket and replies in the customer's language: the new part of each inbound
 * message, ticket links (split from another ticket on a topic change, merged into another,
 * following up a closed one), flags such as multi_topic, and the detected language.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('new_text', 'text').execute();
  await db.schema.alterTable('tickets').addColumn('split_from', 'integer').execute();
  await db.schema.alterTable('tickets').addColumn('merged_into', 'integer').execute();
  await db.schema.alterTable('tickets').addColumn('follows_up', 'integer').execute();
  await db.schema.alterTable('tickets').addColumn('language', 'text').execute();
  await db.schema.alterTable('tickets').addColumn('flags_json', 'text', (c) => c.notNull().defaultTo('[]')).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['flags_json', 'language', 'follows_up', 'merged_into', 'split_from']) {
    await db.schema.alterTable('tickets').dropColumn(column).execute();
  }
  await db.schema.alterTable('messages').dropColumn('new_text').execute();
}
