/**
 * The decisions log: one row per decision about a message (quarantined, threaded by which rule,
 * why no automatic reply), with a reason code. Answers "why did this happen?" by query.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database-schema.js';
import { prepareQuery } from './prepared-query.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface Decision {
  spoolId: string | null;
  ticketId: number | null;
  stage: 'smtp' | 'spool' | 'parse' | 'policy' | 'thread' | 'tickets' | 'notify';
  code: string;
  detail?: string | null;
}

export async function recordDecision(db: Db, decision: Decision, at = new Date().toISOString()): Promise<void> {
  await insertDecision(db, { ...decision, at });
}

const insertDecision = prepareQuery((db, v: Decision & { at: string }) =>
  db.insertInto('decisions').values({ spool_id: v.spoolId, ticket_id: v.ticketId, stage: v.stage, code: v.code, detail: v.detail, created_at: v.at }),
);

export async function listDecisions(db: Db, filter: { ticketId?: number; spoolId?: string }) {
  let query = db.selectFrom('decisions').selectAll();
  if (filter.ticketId !== undefined) query = query.where('ticket_id', '=', filter.ticketId);
  if (filter.spoolId !== undefined) query = query.where('spool_id', '=', filter.spoolId);
  return query.orderBy('id').execute();
}
