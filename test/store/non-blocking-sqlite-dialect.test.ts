/**
 * Waiting for another connection's write lock off the event loop: a statement and a COMMIT that
 * find the database locked are retried on timers (which keep running meanwhile) until the lock
 * goes, and past the deadline the caller gets SQLITE_BUSY. Two real connections to one file.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { NonBlockingSqliteDialect, isSqliteBusy } from '../../src/store/non-blocking-sqlite-dialect.js';

interface Schema {
  item: { id: number };
}

const opened: SQLite.Database[] = [];
const kyselys: Kysely<Schema>[] = [];
afterEach(async () => {
  for (const db of kyselys.splice(0)) await db.destroy();
  for (const connection of opened.splice(0)) connection.close();
});

function openPair(deadlineMs: number) {
  const file = join(mkdtempSync(join(tmpdir(), 'guichet-busy-')), 'db.sqlite');
  const ours = new SQLite(file);
  ours.pragma('journal_mode = WAL');
  ours.pragma('busy_timeout = 0');
  ours.exec('create table item (id integer primary key)');
  const other = new SQLite(file, { timeout: 0 });
  opened.push(other);
  const db = new Kysely<Schema>({ dialect: new NonBlockingSqliteDialect({ database: ours }, { deadlineMs, firstPauseMs: 5, maxPauseMs: 50 }) });
  kyselys.push(db);
  return { db, other };
}

describe('busy-waiting SQLite dialect', () => {
  it('waits for another connection to let go of the write lock, with timers running meanwhile', async () => {
    const { db, other } = openPair(5000);
    other.exec('BEGIN IMMEDIATE');
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    setTimeout(() => other.exec('COMMIT'), 300);
    const started = Date.now();
    await db.insertInto('item').values({ id: 1 }).execute();
    clearInterval(ticker);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(ticks).toBeGreaterThanOrEqual(10);
    expect(await db.selectFrom('item').select('id').execute()).toEqual([{ id: 1 }]);
  });

  it('retries a transaction whose first write finds the database locked, and commits it', async () => {
    const { db, other } = openPair(5000);
    other.exec('BEGIN IMMEDIATE');
    setTimeout(() => other.exec('COMMIT'), 200);
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('item').values({ id: 1 }).execute();
      await trx.insertInto('item').values({ id: 2 }).execute();
    });
    expect((await db.selectFrom('item').select('id').execute()).map((row) => row.id)).toEqual([1, 2]);
  });

  it('reports SQLITE_BUSY once the deadline has passed', async () => {
    const { db, other } = openPair(200);
    other.exec('BEGIN IMMEDIATE');
    const started = Date.now();
    const failure = await db.insertInto('item').values({ id: 1 }).execute().then(
      () => null,
      (error: unknown) => error,
    );
    other.exec('ROLLBACK');
    expect(isSqliteBusy(failure)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
    expect(Date.now() - started).toBeLessThan(1000);
    await sql`select 1`.execute(db); // the connection is still usable
  });
});

describe('commits made durable off the event loop', () => {
  function openRecording() {
    const file = join(mkdtempSync(join(tmpdir(), 'guichet-sync-')), 'db.sqlite');
    const sqlite = new SQLite(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.exec('create table item (id integer primary key)');
    const events: string[] = [];
    let settle: ((error?: Error) => void) | null = null;
    const commitSync = {
      inTransaction: () => sqlite.inTransaction,
      sync: () => {
        events.push('sync');
        return new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
      },
      close: async () => undefined,
    };
    const db = new Kysely<Schema>({ dialect: new NonBlockingSqliteDialect({ database: sqlite }, { deadlineMs: 1000, firstPauseMs: 5, maxPauseMs: 50 }, commitSync) });
    kyselys.push(db);
    return { db, events, releaseSync: () => settle?.(), failSync: (error: Error) => settle?.(error) };
  }

  it('settles a write only after its commit has been synced, and does not sync reads', async () => {
    const { db, events, releaseSync } = openRecording();
    let done = false;
    const writing = db.insertInto('item').values({ id: 1 }).execute().then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toEqual(['sync']);
    expect(done).toBe(false);
    releaseSync();
    await writing;
    await db.selectFrom('item').selectAll().execute();
    expect(events).toEqual(['sync']);
  });

  it('syncs a transaction once, at its COMMIT', async () => {
    const { db, events, releaseSync } = openRecording();
    const writing = db.transaction().execute(async (trx) => {
      await trx.insertInto('item').values({ id: 1 }).execute();
      await trx.insertInto('item').values({ id: 2 }).execute();
      expect(events).toEqual([]);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toEqual(['sync']);
    releaseSync();
    await writing;
  });

  it('reports a failed fsync to the caller whose commit it was (not a failed ROLLBACK), and keeps the connection usable', async () => {
    const { db, failSync } = openRecording();
    const writing = db.transaction().execute(async (trx) => trx.insertInto('item').values({ id: 1 }).execute());
    await new Promise((resolve) => setTimeout(resolve, 20));
    failSync(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await expect(writing).rejects.toThrow(/EIO/);
    expect(await db.selectFrom('item').select('id').execute()).toEqual([{ id: 1 }]);
  });
});
