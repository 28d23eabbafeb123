/**
 * Claims on spool and outbox rows, for several gateways sharing one PostgreSQL database: a
 * gateway marks the rows it is working on (claimed_by, claim_expires_at) so the others take
 * different ones. The claim is a lease: if its gateway dies, the rows are free again once it
 * expires. Exactly-once filing does not rest on it (filing re-checks the row under a lock);
 * it only keeps gateways from doing the same work twice.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ['spool', 'outbox']) {
    await db.schema.alterTable(table).addColumn('claimed_by', 'text').execute();
    await db.schema.alterTable(table).addColumn('claim_expires_at', 'text').execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['spool', 'outbox']) {
    await db.schema.alterTable(table).dropColumn('claim_expires_at').execute();
    await db.schema.alterTable(table).dropColumn('claimed_by').execute();
  }
}
