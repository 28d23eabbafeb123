/**
 * Block and allow list entries added at run time (CLI, admin page). Entries from the config file
 * are not stored here; the policy stage merges both.
 */
import type { Kysely } from 'kysely';
import type { Database } from './database-schema.js';

export type ListName = 'block' | 'allow';

export async function listSenderEntries(db: Kysely<Database>): Promise<{ list: ListName; entry: string; createdAt: string }[]> {
  const rows = await db.selectFrom('sender_lists').select(['list', 'entry', 'created_at']).orderBy('id').execute();
  return rows.map((row) => ({ list: row.list, entry: row.entry, createdAt: row.created_at }));
}

/** Returns false when the entry was already there. */
export async function addSenderEntry(db: Kysely<Database>, list: ListName, entry: string): Promise<boolean> {
  const result = await db
    .insertInto('sender_lists')
    .values({ list, entry, created_at: new Date().toISOString() })
    .onConflict((conflict) => conflict.columns(['list', 'entry']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Returns false when there was no such entry. */
export async function removeSenderEntry(db: Kysely<Database>, list: ListName, entry: string): Promise<boolean> {
  const result = await db.deleteFrom('sender_lists').where('list', '=', list).where('entry', '=', entry).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
