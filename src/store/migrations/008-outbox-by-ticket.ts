/**
 * Outbox rows by ticket. Claiming due mail asks, for each candidate, whether an older mail of
 * the same ticket is still queued; without this index that question scanned every queued row,
 * so with a backlog (a relay down for an hour, a burst being acknowledged) each claim grew with
 * the backlog: 6 ms of blocked event loop at 3,000 queued mails, 31 ms at 20,000, against about
 * 1 ms with it. A ticket's mails (`guichet ticket show`, the admin page) were a full scan too.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('outbox_ticket').on('outbox').columns(['ticket_id', 'state', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('outbox_ticket').execute();
}
