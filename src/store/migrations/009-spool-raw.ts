/**
 * The bytes of a message kept in the database (up to INLINE_MESSAGE_BYTES) move from the spool
 * row to a table of their own, written once at accept. In the row they were rewritten with it at
 * each change of state: SQLite writes a changed record again whole, its overflow pages included,
 * so claiming and filing a 52 KB message wrote some 348 KB to disk (170 KB when the same message
 * was spooled as a file), and the claim's query copied every claimed message out with its row.
 */
import { sql, type Kysely } from 'kysely';
import { binaryColumnType } from '../store-dialect.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('spool_raw')
    .addColumn('spool_id', 'text', (c) => c.primaryKey().references('spool.id').onDelete('cascade'))
    .addColumn('raw', binaryColumnType(db), (c) => c.notNull())
    .execute();
  await sql`insert into spool_raw (spool_id, raw) select id, raw from spool where raw is not null`.execute(db);
  await db.schema.alterTable('spool').dropColumn('raw').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('spool').addColumn('raw', binaryColumnType(db)).execute();
  await sql`update spool set raw = (select raw from spool_raw where spool_raw.spool_id = spool.id)`.execute(db);
  await db.schema.dropTable('spool_raw').execute();
}
