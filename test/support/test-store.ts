/**
 * The store a test gateway runs on. By default SQLite in the gateway's data directory. With
 * GUICHET_TEST_POSTGRES set to a server's admin URL (see start-postgres.sh), each gateway gets a
 * database of its own on that server, dropped when the test is done, so the same store and
 * end-to-end suites run against PostgreSQL.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import pg from 'pg';
import type { Database } from '../../src/store/database-schema.js';
import { waitUntil } from './smtp-sink.js';

export interface TestStore {
  /** The `store` config section to give the gateway (and any CLI run against its data). */
  config: { dialect: 'sqlite' } | { dialect: 'postgres'; url: string };
  drop(): Promise<void>;
}

export const testPostgresUrl = process.env.GUICHET_TEST_POSTGRES || null;

export async function createTestStore(): Promise<TestStore> {
  if (!testPostgresUrl) return { config: { dialect: 'sqlite' }, drop: async () => undefined };
  const name = `guichet_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  const url = new URL(testPostgresUrl);
  url.pathname = `/${name}`;
  return {
    config: { dialect: 'postgres', url: url.toString() },
    drop: () => adminQuery(`drop database if exists ${name} with (force)`),
  };
}

async function adminQuery(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: testPostgresUrl! });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Waits until no spool entry is pending and no mail is queued: every accepted message filed and answered. */
export async function waitUntilDrained(db: Kysely<Database>, timeoutMs: number, what: string): Promise<void> {
  await waitUntil(async () => (await countUndone(db)) === 0, timeoutMs, what);
}

/**
 * Spool entries still to file plus mail still to send (counted, not fetched: benchmarks poll this
 * with thousands queued). Entries whose `not_before` is `heldUntil` are left out of the count.
 */
export async function countUndone(db: Kysely<Database>, options: { heldUntil?: string } = {}): Promise<number> {
  const queued = db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'queued');
  return (await countPendingSpool(db, options)) + Number((await queued.executeTakeFirstOrThrow()).n);
}

/** Spool entries still to file, counted; entries whose `not_before` is `heldUntil` are left out. */
export async function countPendingSpool(db: Kysely<Database>, options: { heldUntil?: string } = {}): Promise<number> {
  let pending = db.selectFrom('spool').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'pending');
  const heldUntil = options.heldUntil;
  if (heldUntil !== undefined) pending = pending.where((eb) => eb.or([eb('not_before', 'is', null), eb('not_before', '!=', heldUntil)]));
  return Number((await pending.executeTakeFirstOrThrow()).n);
}
