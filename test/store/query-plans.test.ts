/**
 * Queries that run for every message or every claim must stay index look-ups whatever the size
 * of the store or of a backlog: their SQLite query plans, as SQLite itself reports them for the
 * exact SQL the store runs (captured from kysely's log, on a migrated database).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/database-schema.js';
import { databasePath, openDatabase } from '../../src/store/open-database.js';
import { claimDueMail, listOutbox } from '../../src/store/outbox-repo.js';
import { findLastLanguageOf } from '../../src/store/ticket-repo.js';

let dir: string;
let sqlite: SQLite.Database;
let db: Kysely<Database>;
const ran: CompiledQuery[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'guichet-plans-'));
  await (await openDatabase(dir)).destroy(); // the schema, by the real migrations
  sqlite = new SQLite(databasePath(dir));
  db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }), log: (event) => void ran.push(event.query) });
});

afterAll(async () => {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** The plan of the last statement `run` executed, one line per step. */
async function planOf(run: () => Promise<unknown>): Promise<string[]> {
  ran.length = 0;
  await run();
  const query = ran.at(-1)!;
  const rows = sqlite.prepare(`explain query plan ${query.sql}`).all(...(query.parameters as unknown[])) as { detail: string }[];
  return rows.map((row) => row.detail);
}

describe('query plans', () => {
  it('claims due mail without scanning the queued mail once per candidate', async () => {
    const now = new Date().toISOString();
    const plan = await planOf(() => claimDueMail(db, 'gateway', now, 32, now));
    // The "older mail of the same ticket still queued?" sub-query: by ticket, not every queued row.
    expect(plan).toContainEqual(expect.stringMatching(/^SEARCH older USING COVERING INDEX outbox_ticket \(ticket_id=\? AND state=\? AND id<\?\)/));
  });

  it("lists a ticket's mail by index", async () => {
    const plan = await planOf(() => listOutbox(db, { ticketId: 7 }));
    expect(plan.some((step) => step.startsWith('SCAN outbox'))).toBe(false);
    expect(plan).toContainEqual(expect.stringMatching(/^SEARCH outbox USING INDEX outbox_ticket \(ticket_id=\?\)/));
  });

  it("reads a requester's last language without sorting their tickets", async () => {
    const plan = await planOf(() => findLastLanguageOf(db, 'someone@customer.test'));
    expect(plan).toEqual([expect.stringMatching(/^SEARCH tickets USING INDEX tickets_requester \(requester=\?\)/)]);
  });
});
