/**
 * The outbox: every mail Guichet sends is first a row here, written in the same transaction as
 * the ticket change that caused it, so a crash can neither lose a promised mail nor queue it
 * twice. The sender worker takes due rows, and records sent / deferred / failed.
 */
import type { Kysely, Transaction } from 'kysely';
import type { OutgoingMail } from '../notify/outgoing-mail.js';
import type { Database, OutboxRow, OutboxState } from './database-schema.js';
import { prepareQuery } from './prepared-query.js';
import { isPostgres } from './store-dialect.js';

type Db = Kysely<Database> | Transaction<Database>;

export async function enqueueMail(db: Db, job: { ticketId: number | null; event: string; mail: OutgoingMail; automatic: boolean; at: string }): Promise<number> {
  const { rows } = await insertQueuedMail(db, {
    ticketId: job.ticketId,
    event: job.event,
    // Due at once on the real clock, whatever time the caller reasons in (the lifecycle sweep may run at a chosen "now").
    due: new Date().toISOString(),
    payloadJson: JSON.stringify(job.mail),
    recipient: job.mail.to[0] ?? null,
    messageId: job.mail.messageId,
    automatic: job.automatic ? 1 : 0,
    at: job.at,
  });
  return rows[0]!.id;
}

const insertQueuedMail = prepareQuery(
  (db, v: { ticketId: number | null; event: string; due: string; payloadJson: string; recipient: string | null; messageId: string; automatic: number; at: string }) =>
    db
      .insertInto('outbox')
      .values({
        ticket_id: v.ticketId,
        event: v.event,
        state: 'queued',
        next_attempt_at: v.due,
        last_error: null,
        payload_json: v.payloadJson,
        recipient: v.recipient,
        message_id: v.messageId,
        automatic: v.automatic,
        created_at: v.at,
        sent_at: null,
      })
      .returning('id'),
);

/**
 * Claims mail due now for `gateway` until `leaseUntil`, oldest first. A mail waits while an
 * older mail of the same ticket is still queued (deferred for a retry, or being sent by another
 * gateway): the customer must never get the answer before the acknowledgement, or the second
 * reply before the first. On PostgreSQL, rows another gateway is claiming are skipped.
 */
export async function claimDueMail(db: Db, gateway: string, now: string, limit: number, leaseUntil: string): Promise<OutboxRow[]> {
  let candidates = db
    .selectFrom('outbox as mail')
    .select('mail.id')
    .where('mail.state', '=', 'queued')
    .where('mail.next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('mail.claim_expires_at', 'is', null), eb('mail.claim_expires_at', '<=', now), eb('mail.claimed_by', '=', gateway)]))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('outbox as older')
            .select('older.id')
            .where('older.state', '=', 'queued')
            .whereRef('older.ticket_id', '=', 'mail.ticket_id')
            .whereRef('older.id', '<', 'mail.id'),
        ),
      ),
    )
    .orderBy('mail.next_attempt_at')
    .orderBy('mail.id')
    .limit(limit);
  if (isPostgres(db)) candidates = candidates.forUpdate().skipLocked();
  const rows = await db.updateTable('outbox').set({ claimed_by: gateway, claim_expires_at: leaseUntil }).where('id', 'in', candidates).returningAll().execute();
  return rows.sort((a, b) => a.next_attempt_at.localeCompare(b.next_attempt_at) || a.id - b.id);
}

/** Gives up claims on queued mail: this gateway's on stop, or every claim when it is the only gateway (SQLite). */
export async function releaseMailClaims(db: Db, gateway: string | null): Promise<void> {
  let query = db.updateTable('outbox').set({ claimed_by: null, claim_expires_at: null }).where('state', '=', 'queued').where('claimed_by', 'is not', null);
  if (gateway !== null) query = query.where('claimed_by', '=', gateway);
  await query.execute();
}

export async function markMailsSent(db: Db, ids: readonly number[], at: string): Promise<void> {
  await db.updateTable('outbox').set((eb) => ({ state: 'sent', sent_at: at, attempts: eb('attempts', '+', 1), last_error: null })).where('id', 'in', ids).execute();
}

export async function deferMail(db: Db, id: number, error: string, nextAttemptAt: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error, next_attempt_at: nextAttemptAt, claimed_by: null, claim_expires_at: null }))
    .where('id', '=', id)
    .execute();
}

export async function markMailFailed(db: Db, id: number, error: string): Promise<void> {
  await db.updateTable('outbox').set((eb) => ({ state: 'failed', attempts: eb('attempts', '+', 1), last_error: error })).where('id', '=', id).execute();
}

export async function listOutbox(db: Db, filter: { ticketId?: number; state?: OutboxState; ids?: readonly number[] } = {}): Promise<OutboxRow[]> {
  if (filter.ids?.length === 0) return [];
  let query = db.selectFrom('outbox').selectAll();
  if (filter.ticketId !== undefined) query = query.where('ticket_id', '=', filter.ticketId);
  if (filter.state !== undefined) query = query.where('state', '=', filter.state);
  if (filter.ids !== undefined) query = query.where('id', 'in', [...filter.ids]);
  return query.orderBy('id').execute();
}

/** A failed mail queued again, due at `at`, with the whole retry schedule before it once more. */
export async function requeueMail(db: Db, id: number, at: string): Promise<void> {
  await db.updateTable('outbox').set({ state: 'queued', attempts: 0, next_attempt_at: at, claimed_by: null, claim_expires_at: null }).where('id', '=', id).where('state', '=', 'failed').execute();
}

/** Automatic mails queued for one recipient since a time: the per-sender auto-reply limit. */
export async function countAutomaticMailTo(db: Db, recipient: string, since: string): Promise<number> {
  return Number((await countAutomaticSince(db, { recipient, since })).rows[0]!.n);
}

const countAutomaticSince = prepareQuery((db, v: { recipient: string; since: string }) =>
  db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('recipient', '=', v.recipient)
    .where('automatic', '=', 1)
    .where('created_at', '>=', v.since),
);

/** A delivery report came back for these Message-IDs of ours: the mails failed. */
export async function markMailBounced(db: Db, messageIds: readonly string[], detail: string): Promise<number> {
  if (messageIds.length === 0) return 0;
  const result = await db
    .updateTable('outbox')
    .set({ state: 'failed', last_error: `bounced: ${detail}` })
    .where('message_id', 'in', [...messageIds])
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
