/**
 * Sends accepted messages back to filing once an admin has fixed what stopped them (the disk,
 * a spool file restored from a backup, a new version with a parser fix): quarantined entries,
 * and entries waiting out their backoff, which are then tried at once. Each is recorded in the
 * decisions log with what it was and who sent it back. Unknown or filed entries: CLI_NOT_FOUND.
 */
import type { Kysely } from 'kysely';
import { GuichetError } from '../guichet-error.js';
import type { Database } from '../store/database-schema.js';
import { recordDecision } from '../store/decision-repo.js';
import { listRetryableSpool, requeueSpoolEntry } from '../store/spool-repo.js';

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
      const was = entry.state === 'quarantined' ? `quarantined ${entry.reason}` : `pending after ${entry.attempts} failed attempts`;
      await requeueSpoolEntry(trx, entry.id);
      await recordDecision(trx, { spoolId: entry.id, ticketId: null, stage: 'spool', code: 'SPOOL_REQUEUED', detail: `${was}${entry.detail ? ` (${entry.detail})` : ''}; by ${by}` }, at);
      requeued.push({ id: entry.id, was });
    }
    return requeued;
  });
}
