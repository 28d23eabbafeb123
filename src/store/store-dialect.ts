/**
 * What differs between the two stores, asked in one place. The schema and queries are
 * kysely's portable subset; only row locking and auto-numbered keys need to know the dialect.
 */
import { PostgresAdapter, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

/** True when the store is PostgreSQL: row locks (FOR UPDATE SKIP LOCKED) exist only there. */
export function isPostgres(db: { getExecutor(): { readonly adapter: unknown } }): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** An auto-numbered integer primary key: `integer … autoincrement` on SQLite, `serial` on PostgreSQL. */
export function autoNumberedKey(db: Kysely<unknown>): ['integer' | 'serial', (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder] {
  return isPostgres(db) ? ['serial', (column) => column.primaryKey()] : ['integer', (column) => column.primaryKey().autoIncrement()];
}

/** A column of bytes: `blob` on SQLite, `bytea` on PostgreSQL. */
export function binaryColumnType(db: Kysely<unknown>): 'blob' | 'bytea' {
  return isPostgres(db) ? 'bytea' : 'blob';
}
