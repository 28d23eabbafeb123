/**
 * Opens the store and brings its schema up to date, on SQLite (one gateway, the default) or
 * PostgreSQL (several gateways sharing one database). On SQLite (WAL mode) a commit is reported
 * done only once it is on disk, which is what lets the spool answer 250 only after its row
 * commits; the fsync runs in the thread pool rather than on the event loop (wal-sync.ts), and a
 * CLI process writing while the server runs is waited for on timers, for up to 5 s
 * (non-blocking-sqlite-dialect.ts); the server's WAL checkpoints run in a worker thread
 * (wal-checkpointer.ts). PostgreSQL gives the same durability with its default
 * synchronous_commit=on. Migrations are the same
 * for both; on PostgreSQL the migrator takes an advisory lock, so gateways may start together.
 * Failure: GuichetError STORE_FAILED naming the file or server and the migration that failed.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, type SqliteDatabase, type Migration, type MigrationProvider } from 'kysely';
import { GuichetError } from '../guichet-error.js';
import type { StoreConfig } from '../config/config-schema.js';
import type { Database } from './database-schema.js';
import { NonBlockingSqliteDialect, type BusyWait } from './non-blocking-sqlite-dialect.js';
import { WalSync } from './wal-sync.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import * as initial from './migrations/001-initial.js';
import * as senderPolicy from './migrations/002-sender-policy.js';
import * as topicsAndLanguage from './migrations/003-topics-and-language.js';
import * as agents from './migrations/004-agents.js';
import * as lifecycle from './migrations/005-lifecycle-and-sla.js';
import * as claims from './migrations/006-work-claims.js';
import * as inlineRaw from './migrations/007-inline-raw.js';
import * as outboxByTicket from './migrations/008-outbox-by-ticket.js';
import * as spoolRaw from './migrations/009-spool-raw.js';

const migrations: Record<string, Migration> = {
  '001-initial': initial,
  '002-sender-policy': senderPolicy,
  '003-topics-and-language': topicsAndLanguage,
  '004-agents': agents,
  '005-lifecycle-and-sla': lifecycle,
  '006-work-claims': claims,
  '007-inline-raw': inlineRaw,
  '008-outbox-by-ticket': outboxByTicket,
  '009-spool-raw': spoolRaw,
};

const SQLITE_BUSY_TIMEOUT_MS = 10;
/** How long a statement waits for another process's write lock before the caller sees SQLITE_BUSY. */
const BUSY_WAIT: BusyWait = { deadlineMs: 5000, firstPauseMs: 5, maxPauseMs: 100 };

const staticProvider: MigrationProvider = { getMigrations: async () => migrations };

export function databasePath(dataDir: string): string {
  return join(dataDir, 'guichet.sqlite');
}

export interface SqliteOptions {
  /**
   * Run WAL checkpoints in a worker thread (wal-checkpointer.ts) rather than inside the commits
   * of the event loop: for the long-running server. A short CLI command does without the thread.
   */
  backgroundCheckpoints?: { onError: (message: string) => void };
}

/** Pages the WAL may reach before a commit checkpoints it itself when a background thread should have. */
const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;

/** Opens the store the config names: `store.dialect` with `store.url`, or SQLite under dataDir. */
export async function openStore(config: { dataDir: string; store: StoreConfig }, sqliteOptions: SqliteOptions = {}): Promise<Kysely<Database>> {
  if (config.store.dialect === 'postgres' && config.store.url) return openPostgres(config.store.url, config.store.poolSize);
  return openDatabase(config.dataDir, sqliteOptions);
}

async function openPostgres(url: string, poolSize: number): Promise<Kysely<Database>> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle connection that drops (server restart) must not crash the gateway: the pool replaces it.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await pool.query('select 1');
  } catch (cause) {
    await db.destroy();
    throw new GuichetError('STORE_FAILED', `cannot connect to store.url ${redactPassword(url)}: ${(cause as Error).message} (check that PostgreSQL listens there and that the database and role exist)`, { cause });
  }
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}

function redactPassword(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

export async function openDatabase(dataDir: string, options: SqliteOptions = {}): Promise<Kysely<Database>> {
  mkdirSync(dataDir, { recursive: true });
  const file = databasePath(dataDir);
  let sqlite: SQLite.Database;
  try {
    sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    // NORMAL: COMMIT does not fsync; WalSync does, off the event loop, before the commit's
    // promise settles (the guarantee of FULL).
    sqlite.pragma('synchronous = NORMAL');
    // SQLite's own busy handler blocks the event loop while it waits: keep its share short.
    sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    sqlite.pragma('foreign_keys = ON');
    // The default 2 MB page cache holds the hot index pages of a small store only; past about a
    // hundred thousand tickets, threading and limit look-ups went back to the file (bench:store).
    sqlite.pragma('cache_size = -32768');
    // Each filed message runs under a savepoint inside its batch's transaction, so SQLite keeps a
    // statement journal of the pages the batch already changed; past 64 KB it spilled to a temp
    // file, two write calls per page, about 60 per filed message (strace). In memory it is a copy.
    // Sorts without an index (the CLI's full listings) then sort in memory too; those listings
    // hold every row in memory anyway.
    sqlite.pragma('temp_store = MEMORY');
  } catch (cause) {
    throw new GuichetError('STORE_FAILED', `cannot open database ${file}: ${(cause as Error).message}`, { cause });
  }
  let checkpointer: WalCheckpointer | null = null;
  if (options.backgroundCheckpoints) {
    sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    checkpointer = new WalCheckpointer(file, { onError: options.backgroundCheckpoints.onError });
  }
  const db = new Kysely<Database>({ dialect: new NonBlockingSqliteDialect({ database: withStatementCache(sqlite) }, BUSY_WAIT, new WalSync(file, () => sqlite.inTransaction, checkpointer)) });
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw error;
  }
  return db;
}

/**
 * kysely prepares every query anew; filing one message runs a few dozen queries of the same few
 * shapes, so keep the compiled statements (a bounded, most-recently-used set).
 */
function withStatementCache(sqlite: SQLite.Database, size = 256): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement) {
        statements.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (statements.size >= size) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement;
    },
    close() {
      statements.clear();
      sqlite.close();
    },
  };
}

async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: staticProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new GuichetError('STORE_FAILED', `migration ${failed} failed: ${String(error)}`, { cause: error });
  }
}
