/**
 * Mail that failed for good (the relay refused it with a 5xx, or was down for longer than
 * `outbound.maxAttempts` covers) queued again once an admin has fixed the cause, oldest first,
 * so a ticket's mails still go out in their order. The last error is kept on the row until the
 * next attempt, and each requeue is recorded on the ticket's decisions log with who did it.
 * Entries that did not fail: CLI_NOT_FOUND.
 */
import type { Kysely } from 'kysely';
import { GuichetError } from '../guichet-error.js';
import type { Database, OutboxState } from '../store/database-schema.js';
import { recordDecision } from '../store/decision-repo.js';
import { listOutbox, requeueMail } from '../store/outbox-repo.js';

export interface RequeuedMail {
  id: number;
  ticketId: number | null;
  event: string;
  /** `failed after N attempts: LAST ERROR`. */
  was: string;
}

const OUTBOX_STATES: readonly OutboxState[] = ['queued', 'sent', 'failed'];

/** A state filter as given on the command line or in the API's query string: none, or one of the three. */
export function parseOutboxState(value: string | null | undefined): OutboxState | undefined {
  if (!value) return undefined;
  if (!(OUTBOX_STATES as readonly string[]).includes(value)) throw new GuichetError('CLI_USAGE', `unknown outbox state "${value}": queued, sent or failed`);
  return value as OutboxState;
}

/** `ids` null: every failed mail. */
export async function retryFailedMail(db: Kysely<Database>, ids: readonly number[] | null, by: string): Promise<RequeuedMail[]> {
  const at = new Date().toISOString();
  return db.transaction().execute(async (trx) => {
    const failed = await listOutbox(trx, { state: 'failed', ...(ids ? { ids } : {}) });
    const missing = (ids ?? []).filter((id) => !failed.some((mail) => mail.id === id));
    if (missing.length > 0) throw new GuichetError('CLI_NOT_FOUND', `no failed mail ${missing.join(', ')} in the outbox (see guichet outbox list --state failed)`);
    const requeued: RequeuedMail[] = [];
    for (const mail of failed) {
      const was = `failed after ${mail.attempts} attempt${mail.attempts === 1 ? '' : 's'}: ${mail.last_error ?? 'no error recorded'}`;
      await requeueMail(trx, mail.id, at);
      await recordDecision(trx, { spoolId: null, ticketId: mail.ticket_id, stage: 'notify', code: 'NOTIFY_REQUEUED', detail: `${mail.event} (outbox ${mail.id}) ${was}; by ${by}` }, at);
      requeued.push({ id: mail.id, ticketId: mail.ticket_id, event: mail.event, was });
    }
    return requeued;
  });
}
