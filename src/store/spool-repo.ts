/**
 * Spool rows: the durable record of every accepted message and what became of it
 * (pending → filed | quarantined). The row is inserted by the spool writer before the 250.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database, SpoolRow, SpoolState } from './database-schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export async function listPendingSpool(db: Db, limit: number, now: string): Promise<SpoolRow[]> {
  return db
    .selectFrom('spool')
    .selectAll()
    .where('state', '=', 'pending')
    .where((eb) => eb.or([eb('not_before', 'is', null), eb('not_before', '<=', now)]))
    .orderBy('received_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function listSpool(db: Db, filter: { state?: SpoolState } = {}): Promise<SpoolRow[]> {
  let query = db.selectFrom('spool').selectAll();
  if (filter.state) query = query.where('state', '=', filter.state);
  return query.orderBy('received_at').orderBy('id').execute();
}

export async function markSpoolFiled(db: Db, id: string, ticketId: number, at: string): Promise<void> {
  await db.updateTable('spool').set({ state: 'filed', ticket_id: ticketId, processed_at: at, reason: null, detail: null }).where('id', '=', id).execute();
}

export async function markSpoolQuarantined(db: Db, id: string, reason: string, detail: string, at: string): Promise<void> {
  await db.updateTable('spool').set({ state: 'quarantined', reason, detail, processed_at: at }).where('id', '=', id).execute();
}

/** A temporary failure: count the attempt and hold the entry until `retryAt`. */
export async function deferSpoolEntry(db: Db, id: string, detail: string, retryAt: string): Promise<void> {
  await db
    .updateTable('spool')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), detail, not_before: retryAt }))
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
    .set({ state: 'pending', released: 1, not_before: null })
    .where('id', '=', id)
    .where('state', '=', 'held')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
