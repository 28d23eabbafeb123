/**
 * Spool rows: the durable record of every accepted message and what became of it
 * (pending → filed | quarantined). The row is inserted by the spool writer before the 250.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, SpoolRow, SpoolState } from './database-schema.js';
import { prepareQuery } from './prepared-query.js';
import { isPostgres } from './store-dialect.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A claimed entry with its message's bytes when they are in the database (null: a spool file). */
export interface ClaimedSpoolEntry extends SpoolRow {
  raw: Buffer | null;
}

/**
 * Claims up to `limit` pending entries for `gateway` until `leaseUntil` and returns them in
 * arrival order, each with its bytes from spool_raw. Entries another gateway holds under an
 * unexpired claim are skipped; on PostgreSQL, so are rows another gateway is claiming at this
 * instant (SKIP LOCKED).
 */
export async function claimPendingSpool(db: Db, gateway: string, limit: number, now: string, leaseUntil: string): Promise<ClaimedSpoolEntry[]> {
  let candidates = db
    .selectFrom('spool')
    .select('id')
    .where('state', '=', 'pending')
    .where((eb) => eb.or([eb('not_before', 'is', null), eb('not_before', '<=', now)]))
    .where((eb) => eb.or([eb('claim_expires_at', 'is', null), eb('claim_expires_at', '<=', now), eb('claimed_by', '=', gateway)]))
    .orderBy('received_at')
    .orderBy('id')
    .limit(limit);
  if (isPostgres(db)) candidates = candidates.forUpdate().skipLocked();
  const rows = await db.updateTable('spool').set({ claimed_by: gateway, claim_expires_at: leaseUntil }).where('id', 'in', candidates).returningAll().execute();
  const inline = rows.filter((row) => row.raw_path === '').map((row) => row.id);
  const raws = new Map<string, Buffer>();
  if (inline.length > 0) {
    for (const { spool_id, raw } of await db.selectFrom('spool_raw').select(['spool_id', 'raw']).where('spool_id', 'in', inline).execute()) raws.set(spool_id, raw);
  }
  return rows
    .map((row) => ({ ...row, raw: raws.get(row.id) ?? null }))
    .sort((a, b) => a.received_at.localeCompare(b.received_at) || a.id.localeCompare(b.id));
}

/**
 * Inside a filing transaction: true if the entry is still pending, holding its row lock on
 * PostgreSQL until commit, so two gateways can never file the same message.
 */
export async function lockPendingSpool(db: Db, id: string): Promise<boolean> {
  return (await selectPendingForUpdate(db, { id })).rows.length > 0;
}

const selectPendingForUpdate = prepareQuery((db, v: { id: string }) => {
  const query = db.selectFrom('spool').select('id').where('id', '=', v.id).where('state', '=', 'pending');
  return isPostgres(db) ? query.forUpdate() : query;
});

/** Gives up claims on pending entries: this gateway's on stop, or every claim when it is the only gateway (SQLite). */
export async function releaseSpoolClaims(db: Db, gateway: string | null): Promise<void> {
  let query = db.updateTable('spool').set({ claimed_by: null, claim_expires_at: null }).where('state', '=', 'pending').where('claimed_by', 'is not', null);
  if (gateway !== null) query = query.where('claimed_by', '=', gateway);
  await query.execute();
}

export async function listSpool(db: Db, filter: { state?: SpoolState } = {}): Promise<SpoolRow[]> {
  let query = db.selectFrom('spool').selectAll();
  if (filter.state) query = query.where('state', '=', filter.state);
  return query.orderBy('received_at').orderBy('id').execute();
}

export async function markSpoolFiled(db: Db, id: string, ticketId: number, at: string): Promise<void> {
  await updateSpoolFiled(db, { id, ticketId, at });
}

const updateSpoolFiled = prepareQuery((db, v: { id: string; ticketId: number; at: string }) =>
  db.updateTable('spool').set({ state: 'filed', ticket_id: v.ticketId, processed_at: v.at, reason: null, detail: null }).where('id', '=', v.id),
);

export async function markSpoolQuarantined(db: Db, id: string, reason: string, detail: string, at: string): Promise<void> {
  await db.updateTable('spool').set({ state: 'quarantined', reason, detail, processed_at: at }).where('id', '=', id).execute();
}

/** A temporary failure: count the attempt and hold the entry until `retryAt`. */
export async function deferSpoolEntry(db: Db, id: string, detail: string, retryAt: string): Promise<void> {
  await db
    .updateTable('spool')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), detail, not_before: retryAt, claimed_by: null, claim_expires_at: null }))
    .where('id', '=', id)
    .execute();
}

/** Holds an entry (sender over a limit) with its reason; an admin may release it. */
export async function markSpoolHeld(db: Db, id: string, reason: string, detail: string, at: string): Promise<void> {
  await db.updateTable('spool').set({ state: 'held', reason, detail, processed_at: at }).where('id', '=', id).execute();
}

/** Sends a held entry back to the queue, marked so that the limit that held it no longer applies. */
export async function releaseHeldSpool(db: Db, id: string): Promise<boolean> {
  const result = await db
    .updateTable('spool')
    .set({ state: 'pending', released: 1, not_before: null, claimed_by: null, claim_expires_at: null })
    .where('id', '=', id)
    .where('state', '=', 'held')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Entries an admin may send back to filing, oldest first: quarantined ones, and pending ones
 * waiting out the backoff after a failure; with `withHeld`, held ones too (they are released,
 * not retried). `ids` null: all of them.
 */
export async function listRetryableSpool(db: Db, ids: readonly string[] | null, options: { withHeld?: boolean } = {}): Promise<SpoolRow[]> {
  if (ids?.length === 0) return [];
  let query = db
    .selectFrom('spool')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('state', '=', 'quarantined'),
        eb.and([eb('state', '=', 'pending'), eb('attempts', '>', 0)]),
        ...(options.withHeld ? [eb('state', '=', 'held')] : []),
      ]),
    );
  if (ids) query = query.where('id', 'in', [...ids]);
  return query.orderBy('received_at').orderBy('id').execute();
}

/** Back in the queue, due now, its failures and quarantine reason cleared. */
export async function requeueSpoolEntry(db: Db, id: string): Promise<void> {
  await db
    .updateTable('spool')
    .set({ state: 'pending', attempts: 0, reason: null, detail: null, not_before: null, processed_at: null, claimed_by: null, claim_expires_at: null })
    .where('id', '=', id)
    .execute();
}

