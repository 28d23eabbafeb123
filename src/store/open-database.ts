/**
 * Opens the store and brings its schema up to date. SQLite runs in WAL mode with
 * synchronous=FULL: a committed transaction is on disk, which is what lets the spool answer 250
 * only after its row commits. busy_timeout covers a CLI process writing while the server runs.
 * Failure: GuichetError STORE_FAILED naming the file and the migration that failed.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration, type MigrationProvider } from 'kysely';
import { GuichetError } from '../guichet-error.js';
import type { Database } from './database-schema.js';
import * as initial from './migrations/001-initial.js';
import * as senderPolicy from './migrations/002-sender-policy.js';
import * as topicsAndLanguage from './migrations/003-topics-and-language.js';
import * as agents from './migrations/004-agents.js';
import * as lifecycle from './migrations/005-lifecycle-and-sla.js';

const migrations: Record<string, Migration> = {
  '001-initial': initial,
  '002-sender-policy': senderPolicy,
  '003-topics-and-language': topicsAndLanguage,
  '004-agents': agents,
  '005-lifecycle-and-sla': lifecycle,
};

const staticProvider: MigrationProvider = { getMigrations: async () => migrations };

export function databasePath(dataDir: string): string {
  return join(dataDir, 'guichet.sqlite');
}

export async function openDatabase(dataDir: string): Promise<Kysely<Database>> {
  mkdirSync(dataDir, { recursive: true });
  const file = databasePath(dataDir);
  let sqlite: SQLite.Database;
  try {
    sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
  } catch (cause) {
    throw new GuichetError('STORE_FAILED', `cannot open database ${file}: ${(cause as Error).message}`, { cause });
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrateToLatest(db);
  return db;
}

async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: staticProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new GuichetError('STORE_FAILED', `migration ${failed} failed: ${String(error)}`, { cause: error });
  }
}
