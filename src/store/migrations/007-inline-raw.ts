/**
 * Small messages in their spool row: the raw bytes committed with the row, by the same group
 * commit, instead of a file of their own that needs its own writes and fsync (see
 * spool/raw-message.ts). `raw_path` is empty for those rows.
 */
import type { Kysely } from 'kysely';
import { binaryColumnType } from '../store-dialect.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('spool').addColumn('raw', binaryColumnType(db)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('spool').dropColumn('raw').execute();
}
