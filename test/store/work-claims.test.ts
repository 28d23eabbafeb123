/**
 * The store's guarantees for several gateways sharing one database, checked on whichever store
 * the suite runs on (SQLite by default, PostgreSQL with GUICHET_TEST_POSTGRES): two connections
 * to the same database stand for two gateways. Claims keep them off each other's work; the row
 * lock taken when filing makes each entry filed once even when a claim expired; ticket numbers
 * stay unique under concurrent inserts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/database-schema.js';
import { openStore } from '../../src/store/open-database.js';
import { claimDueMail, enqueueMail, markMailsSent } from '../../src/store/outbox-repo.js';
import { claimPendingSpool, deferSpoolEntry, lockPendingSpool, markSpoolFiled, releaseSpoolClaims } from '../../src/store/spool-repo.js';
import { insertTicket } from '../../src/store/ticket-repo.js';
import { createTestStore, testPostgresUrl, type TestStore } from '../support/test-store.js';

let dataDir: string;
let store: TestStore;
let gatewayA: Kysely<Database>;
let gatewayB: Kysely<Database>;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'guichet-store-'));
  store = await createTestStore();
  const open = () => openStore({ dataDir, store: { poolSize: 4, ...store.config } });
  gatewayA = await open();
  gatewayB = await open(); // runs the migrations again: they must be a no-op the second time
});

afterEach(async () => {
  await gatewayA.destroy();
  await gatewayB.destroy();
  await store.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const at = (second: number) => new Date(Date.UTC(2026, 10, 24, 9, 0, second)).toISOString();

async function spoolEntries(count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, index) => `entry-${String(index).padStart(3, '0')}`);
  await gatewayA
    .insertInto('spool')
    .values(ids.map((id, index) => ({ id, state: 'pending', received_at: at(index), remote_address: null, helo: null, mail_from: 'a@customer.test', rcpt_to: '["support@example.org"]', size: 10, raw_path: `spool/${id}.eml`, reason: null, detail: null, ticket_id: null, not_before: null, processed_at: null })))
    .execute();
  return ids;
}

describe(`work claims on ${testPostgresUrl ? 'PostgreSQL' : 'SQLite'}`, () => {
  it('gives two gateways disjoint spool entries, each in arrival order', async () => {
    const ids = await spoolEntries(10);
    const lease = at(3600);
    const [first, second] = await Promise.all([claimPendingSpool(gatewayA, 'a', 6, at(0), lease), claimPendingSpool(gatewayB, 'b', 6, at(0), lease)]);
    const claimed = [...first, ...second].map((row) => row.id);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.sort()).toEqual(ids);
    for (const batch of [first, second]) expect(batch.map((row) => row.id)).toEqual(batch.map((row) => row.id).sort());
    // Nothing left for a third look while both leases run.
    expect(await claimPendingSpool(gatewayB, 'c', 10, at(1), lease)).toEqual([]);
  });

  it('frees a dead gateway’s entries when its lease expires, and at once to a gateway of the same name', async () => {
    await spoolEntries(3);
    await claimPendingSpool(gatewayA, 'a', 10, at(0), at(60));
    expect(await claimPendingSpool(gatewayB, 'b', 10, at(30), at(90))).toEqual([]);
    expect(await claimPendingSpool(gatewayA, 'a', 10, at(30), at(90))).toHaveLength(3); // "a" restarted
    expect((await claimPendingSpool(gatewayB, 'b', 10, at(91), at(200))).map((row) => row.claimed_by)).toEqual(['b', 'b', 'b']);
  });

  it('puts a deferred entry back for any gateway, and releases a stopping gateway’s claims', async () => {
    const [deferred, kept] = await spoolEntries(2);
    await claimPendingSpool(gatewayA, 'a', 10, at(0), at(600));
    await deferSpoolEntry(gatewayA, deferred!, 'relay down', at(5));
    expect((await claimPendingSpool(gatewayB, 'b', 10, at(6), at(600))).map((row) => row.id)).toEqual([deferred]);
    await releaseSpoolClaims(gatewayA, 'a');
    expect((await claimPendingSpool(gatewayB, 'b', 10, at(7), at(600))).map((row) => row.id)).toEqual([deferred, kept]);
  });

  // Two writers at once exist only on PostgreSQL: on SQLite one gateway owns the database and its
  // one connection runs transactions one after another.
  it.runIf(testPostgresUrl)('lets only one of two concurrent filings of the same entry go ahead', async () => {
    const [id] = await spoolEntries(1);
    const file = (db: Kysely<Database>) =>
      db.transaction().execute(async (trx) => {
        if (!(await lockPendingSpool(trx, id!))) return 'taken';
        await new Promise((resolve) => setTimeout(resolve, 100)); // the other filing arrives meanwhile
        await markSpoolFiled(trx, id!, 1, at(1));
        return 'filed';
      });
    const outcomes = await Promise.all([file(gatewayA), file(gatewayB)]);
    expect(outcomes.sort()).toEqual(['filed', 'taken']);
  });

  it('keeps mail of one ticket in order across gateways: the second waits until the first is sent', async () => {
    const mail = (n: number) => ({ from: 'support@example.org', to: ['a@customer.test'], subject: `m${n}`, text: 'x', messageId: `<m${n}@example.org>`, headers: {} });
    const first = await enqueueMail(gatewayA, { ticketId: 7, event: 'ack-new-ticket', mail: mail(1) as never, automatic: true, at: at(0) });
    const second = await enqueueMail(gatewayA, { ticketId: 7, event: 'agent-reply', mail: mail(2) as never, automatic: false, at: at(1) });
    const other = await enqueueMail(gatewayA, { ticketId: 8, event: 'ack-new-ticket', mail: mail(3) as never, automatic: true, at: at(2) });
    const now = new Date(Date.now() + 1000).toISOString();
    const lease = new Date(Date.now() + 600_000).toISOString();
    expect((await claimDueMail(gatewayA, 'a', now, 1, lease)).map((row) => row.id)).toEqual([first]);
    expect((await claimDueMail(gatewayB, 'b', now, 10, lease)).map((row) => row.id)).toEqual([other]);
    await markMailsSent(gatewayA, [first], now);
    expect((await claimDueMail(gatewayB, 'c', now, 10, lease)).map((row) => row.id)).toEqual([second]);
  });

  it.runIf(testPostgresUrl)('numbers tickets uniquely when two gateways open tickets at the same time', async () => {
    const open = (db: Kysely<Database>, n: number) =>
      db.transaction().execute((trx) => insertTicket(trx, { subject: `s${n}`, normalizedSubject: `s${n}`, requester: `c${n}@customer.test`, mailbox: 'support@example.org', locale: 'en', language: null, flags: [], splitFrom: null, followsUp: null, createdAt: at(n) }));
    const tickets = await Promise.all(Array.from({ length: 40 }, (_, n) => open(n % 2 ? gatewayA : gatewayB, n)));
    const numbers = tickets.map((ticket) => ticket.id);
    expect(new Set(numbers).size).toBe(40);
    expect(numbers.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
  });
});
