/**
 * Which accepted messages an admin's `guichet spool retry` sends back to filing, and what it
 * leaves of them, on whichever store the suite runs on: quarantined entries and entries waiting
 * out a backoff, never filed, held or untried ones; each requeued one recorded with what it was.
 */
import { expect, it } from 'vitest';
import { retrySpoolEntries } from '../../src/admin/spool-admin.js';
import { listDecisions } from '../../src/store/decision-repo.js';
import type { SpoolState } from '../../src/store/database-schema.js';
import { listSpool } from '../../src/store/spool-repo.js';
import { useTemporaryStore } from '../support/temporary-store.js';

const store = useTemporaryStore('guichet-spool-retry-');

async function insertEntry(id: string, state: SpoolState, fields: { attempts?: number; reason?: string; detail?: string; not_before?: string } = {}): Promise<void> {
  await store.db
    .insertInto('spool')
    .values({ id, state, received_at: `2026-12-01T09:00:00.000Z`, remote_address: null, helo: null, mail_from: 'a@customer.test', rcpt_to: '["support@example.org"]', size: 10, raw_path: `spool/${id}.eml`, reason: fields.reason ?? null, detail: fields.detail ?? null, ticket_id: null, not_before: fields.not_before ?? null, processed_at: state === 'pending' ? null : '2026-12-01T09:01:00.000Z', attempts: fields.attempts ?? 0 })
    .execute();
}

async function insertEveryKind(): Promise<void> {
  await insertEntry('quarantined', 'quarantined', { attempts: 14, reason: 'PROCESSING_FAILED', detail: 'PARSE_ATTACHMENT_WRITE_FAILED: cannot store an attachment: ENOSPC' });
  await insertEntry('deferred', 'pending', { attempts: 3, detail: 'STORE_FAILED: …', not_before: '2026-12-01T10:00:00.000Z' });
  await insertEntry('untried', 'pending');
  await insertEntry('filed', 'filed');
  await insertEntry('held', 'held', { reason: 'RATE_LIMIT_NEW_TICKETS' });
}

it('sends every quarantined and deferred entry back, due now with its failures cleared, and records what each was', async () => {
  await insertEveryKind();
  const requeued = await retrySpoolEntries(store.db, null, 'cli:test');
  expect(requeued).toEqual([
    { id: 'deferred', was: 'pending after 3 failed attempts' },
    { id: 'quarantined', was: 'quarantined PROCESSING_FAILED' },
  ]);
  const byId = new Map((await listSpool(store.db)).map((entry) => [entry.id, entry]));
  for (const id of ['quarantined', 'deferred']) {
    expect(byId.get(id)).toMatchObject({ state: 'pending', attempts: 0, reason: null, detail: null, not_before: null, processed_at: null });
  }
  expect([byId.get('filed')?.state, byId.get('held')?.state]).toEqual(['filed', 'held']);
  const decisions = await listDecisions(store.db, { spoolId: 'quarantined' });
  expect(decisions).toMatchObject([{ stage: 'spool', code: 'SPOOL_REQUEUED', detail: 'quarantined PROCESSING_FAILED (PARSE_ATTACHMENT_WRITE_FAILED: cannot store an attachment: ENOSPC); by cli:test' }]);
});

it('refuses, and changes nothing, when a named entry is not quarantined or deferred', async () => {
  await insertEveryKind();
  await expect(retrySpoolEntries(store.db, ['quarantined', 'filed', 'nowhere'], 'cli:test')).rejects.toMatchObject({ code: 'CLI_NOT_FOUND', message: expect.stringContaining('filed, nowhere') });
  expect((await listSpool(store.db)).find((entry) => entry.id === 'quarantined')?.state).toBe('quarantined');
  expect(await retrySpoolEntries(store.db, ['quarantined'], 'cli:test')).toEqual([{ id: 'quarantined', was: 'quarantined PROCESSING_FAILED' }]);
});
