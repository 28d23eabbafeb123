/**
 * Checkpoints in a worker thread: the server's store copies its WAL back into the database file
 * without a commit on the event loop doing it, one checkpoint per burst of commits, none while
 * idle, and closing the store ends the thread and its connection. Real files, real threads.
 */
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/database-schema.js';
import { databasePath, openDatabase, type SqliteOptions } from '../../src/store/open-database.js';
import { WalCheckpointer } from '../../src/store/wal-checkpointer.js';
import { waitUntil } from '../support/smtp-sink.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A WAL-mode database with one table, closed after the test. */
function walDatabase(): { file: string; sqlite: SQLite.Database } {
  const file = join(mkdtempSync(join(tmpdir(), 'guichet-checkpoint-')), 'db.sqlite');
  const sqlite = new SQLite(file);
  cleanups.push(() => {
    sqlite.close();
  });
  sqlite.pragma('journal_mode = WAL');
  sqlite.exec('create table item (id integer primary key, body text)');
  return { file, sqlite };
}

async function storeWithMegabytes(megabytes: number, options: SqliteOptions): Promise<{ db: Kysely<Database>; file: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'guichet-checkpoint-'));
  const db = await openDatabase(dataDir, options);
  const file = databasePath(dataDir);
  const fileSizeAfterMigrations = statSync(file).size;
  const detail = 'x'.repeat(100_000);
  // One commit: the thread's checkpoint waits 200 ms after a commit, and row-by-row commits on a
  // loaded machine could take longer than that and let it run before the size below is read.
  await db.transaction().execute(async (transaction) => {
    for (let index = 0; index < megabytes * 10; index += 1) {
      await transaction.insertInto('decisions').values({ spool_id: null, ticket_id: null, stage: 'test', code: 'BULK', detail, created_at: new Date().toISOString() }).execute();
    }
  });
  // Below SQLite's own threshold (1,000 pages, about 4 MB), no commit checkpoints by itself.
  expect(statSync(file).size).toBe(fileSizeAfterMigrations);
  return { db, file };
}

describe('WAL checkpoints off the event loop', () => {
  it('copies the WAL into the database file shortly after commits, without a commit doing it', async () => {
    const errors: string[] = [];
    const { db, file } = await storeWithMegabytes(2, { backgroundCheckpoints: { onError: (message) => errors.push(message) } });
    cleanups.push(() => db.destroy());
    await waitUntil(async () => statSync(file).size > 2_000_000, 3000, 'database file holding the 2 MB written');
    expect(errors).toEqual([]);
  });

  it('leaves the WAL to SQLite when not asked (a CLI command): nothing copied below its threshold', async () => {
    const { db, file } = await storeWithMegabytes(2, {});
    cleanups.push(() => db.destroy());
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(statSync(file).size).toBeLessThan(1_000_000);
  });

  it('closes both connections with the store: the WAL is removed by the last close', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'guichet-checkpoint-'));
    const db = await openDatabase(dataDir, { backgroundCheckpoints: { onError: () => undefined } });
    await db.insertInto('decisions').values({ spool_id: null, ticket_id: null, stage: 'test', code: 'ONE', detail: null, created_at: new Date().toISOString() }).execute();
    expect(existsSync(`${databasePath(dataDir)}-wal`)).toBe(true);
    await db.destroy();
    // Had the thread's connection outlived the main one, the WAL would still be there.
    expect(existsSync(`${databasePath(dataDir)}-wal`)).toBe(false);
  });

  it('stop() returns once the thread has ended', async () => {
    const { file, sqlite } = walDatabase();
    const checkpointer = new WalCheckpointer(file, { delayMs: 10 });
    sqlite.exec('insert into item default values');
    checkpointer.noteCommit();
    await waitUntil(() => checkpointer.checkpoints > 0, 2000, 'the thread checkpointing');
    expect(checkpointer.ended).toBe(false);
    await checkpointer.stop();
    expect(checkpointer.ended).toBe(true);
  });

  it('runs one checkpoint for a burst of commits and none while idle', async () => {
    const { file, sqlite } = walDatabase();
    const checkpointer = new WalCheckpointer(file, { delayMs: 100 });
    cleanups.push(() => checkpointer.stop());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(checkpointer.checkpoints).toBe(0);
    for (let index = 0; index < 20; index += 1) {
      sqlite.prepare('insert into item (body) values (?)').run('y'.repeat(10_000));
      checkpointer.noteCommit();
    }
    await waitUntil(async () => checkpointer.checkpoints > 0, 2000, 'a checkpoint after the burst');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(checkpointer.checkpoints).toBe(1);
    expect(statSync(file).size).toBeGreaterThan(200_000);
  });
});
