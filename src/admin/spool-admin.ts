/**
 * Accepted messages that need an admin (CLI and admin page): the ones quarantined, held by a
 * sender limit, or waiting out a retry; sending them back to filing once what stopped them is
 * fixed (the disk, a spool file restored from a backup, a new version with a parser fix), the
 * deferred ones then tried at once; and releasing held ones. Each retry is recorded in the
 * decisions log with what the entry was and who sent it back. Entries not in such a state:
 * CLI_NOT_FOUND.
 */
import type { Kysely } from 'kysely';
import { GuichetError } from '../guichet-error.js';
import type { Database, SpoolRow } from '../store/database-schema.js';
import { recordDecision } from '../store/decision-repo.js';
import { listRetryableSpool, releaseHeldSpool, requeueSpoolEntry } from '../store/spool-repo.js';

export interface RequeuedEntry {
  id: string;
  /** What the entry was: `quarantined REASON` or `pending after N failed attempts`. */
  was: string;
}

/** `ids` null: every quarantined or deferred entry. */
export async function retrySpoolEntries(db: Kysely<Database>, ids: readonly string[] | null, by: string): Promise<RequeuedEntry[]> {
  const at = new Date().toISOString();
  return db.transaction().execute(async (trx) => {
    const entries = await listRetryableSpool(trx, ids);
    const missing = (ids ?? []).filter((id) => !entries.some((entry) => entry.id === id));
    if (missing.length > 0) throw new GuichetError('CLI_NOT_FOUND', `no quarantined or deferred spool entry ${missing.join(', ')} (see guichet spool list)`);
    const requeued: RequeuedEntry[] = [];
    for (const entry of entries) {
      const was = entry.state === 'quarantined' ? `quarantined ${entry.reason}` : `pending after ${entry.attempts} failed attempt${entry.attempts === 1 ? '' : 's'}`;
      await requeueSpoolEntry(trx, entry.id);
      await recordDecision(trx, { spoolId: entry.id, ticketId: null, stage: 'spool', code: 'SPOOL_REQUEUED', detail: `${was}${entry.detail ? ` (${entry.detail})` : ''}; by ${by}` }, at);
      requeued.push({ id: entry.id, was });
    }
    return requeued;
  });
}

/** Quarantined, held and deferred entries, oldest first. */
export async function listSpoolNeedingAttention(db: Kysely<Database>): Promise<SpoolRow[]> {
  return listRetryableSpool(db, null, { withHeld: true });
}

/** Files a held entry despite the sender limit that held it. */
export async function releaseHeldEntry(db: Kysely<Database>, id: string): Promise<void> {
  if (!(await releaseHeldSpool(db, id))) throw new GuichetError('CLI_NOT_FOUND', `no held spool entry ${id}`);
}

