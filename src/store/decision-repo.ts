/**
 * The decisions log: one row per decision about a message (quarantined, threaded by which rule,
 * why no automatic reply), with a reason code. Answers "why did this happen?" by query.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database-schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface Decision {
  spoolId: string | null;
  ticketId: number | null;
  stage: 'smtp' | 'spool' | 'parse' | 'policy' | 'thread' | 'tickets' | 'notify';
  code: string;
  detail?: string | null;
}

export async function recordDecision(db: Db, decision: Decision, at = new Date().toISOString()): Promise<void> {
  await db
    .insertInto('decisions')
    .values({
      spool_id: decision.spoolId,
      ticket_id: decision.ticketId,
      stage: decision.stage,
      code: decision.code,
      detail: decision.detail ?? null,
      created_at: at,
    })
    .execute();
}

export async function listDecisions(db: Db, filter: { ticketId?: number; spoolId?: string }) {
  let query = db.selectFrom('decisions').selectAll();
  if (filter.ticketId !== undefined) query = query.where('ticket_id', '=', filter.ticketId);
  if (filter.spoolId !== undefined) query = query.where('spool_id', '=', filter.spoolId);
  return query.orderBy('id').execute();
}
