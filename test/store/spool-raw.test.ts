/**
 * Where a spooled message's bytes are kept: up to INLINE_MESSAGE_BYTES in spool_raw, written
 * once at accept and never rewritten with the spool row's changes of state; larger ones in a
 * spool file. Checked on whichever store the suite runs on, as the other store tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { SpoolWriter } from '../../src/spool/spool-writer.js';
import * as spoolRaw from '../../src/store/migrations/009-spool-raw.js';
import { claimPendingSpool, markSpoolFiled } from '../../src/store/spool-repo.js';
import { useTemporaryStore } from '../support/temporary-store.js';

const store = useTemporaryStore('guichet-spool-raw-');

const envelope = { remoteAddress: '127.0.0.1', helo: 'client.test', mailFrom: 'a@customer.test', rcptTo: ['support@example.org'] };
const message = (body: string) => `From: a@customer.test\r\nSubject: Question\r\n\r\n${body}\r\n`;
const claimAll = () => claimPendingSpool(store.db, 'test', 10, new Date().toISOString(), new Date(Date.now() + 60_000).toISOString());

it('keeps a small message in spool_raw and a large one in its file, and gives each claimed entry its bytes', async () => {
  const writer = new SpoolWriter(store.db, store.dataDir, 'mx.test');
  const small = message('Short question.');
  const large = message('A pasted log line.\r\n'.repeat(20_000));
  for (const text of [small, large]) expect((await writer.accept(Readable.from([Buffer.from(text)]), envelope)).kind).toBe('spooled');
  const [inRow, inFile] = await claimAll();
  expect(inRow!.raw_path).toBe('');
  expect(inRow!.raw?.toString('latin1')).toMatch(/^Received: [^\r]*\r\n\t[^\r]*\r\nFrom: a@customer\.test\r\n[\s\S]*Short question\.\r\n$/);
  expect(inFile!.raw).toBeNull();
  expect(readFileSync(join(store.dataDir, inFile!.raw_path)).toString('latin1').endsWith(large)).toBe(true);
  const stored = await store.db.selectFrom('spool_raw').select('spool_id').execute();
  expect(stored).toEqual([{ spool_id: inRow!.id }]);
});

it('leaves the bytes where they are when the entry is filed', async () => {
  const writer = new SpoolWriter(store.db, store.dataDir, 'mx.test');
  await writer.accept(Readable.from([Buffer.from(message('Short question.'))]), envelope);
  const [entry] = await claimAll();
  await markSpoolFiled(store.db, entry!.id, 1, new Date().toISOString());
  const row = await store.db.selectFrom('spool_raw').select('raw').where('spool_id', '=', entry!.id).executeTakeFirstOrThrow();
  expect(row.raw.equals(entry!.raw!)).toBe(true);
});

it('moves the bytes of entries spooled before it out of their rows, and back on the way down', async () => {
  // The schema as it was before the migration, with a message in its row as the old writer left it.
  await spoolRaw.down(store.db as Kysely<unknown>);
  const bytes = Buffer.from(message('Spooled before the upgrade.'));
  await store.db
    .insertInto('spool')
    .values({ id: 'old-entry', state: 'pending', received_at: new Date().toISOString(), remote_address: null, helo: null, mail_from: 'a@customer.test', rcpt_to: '["support@example.org"]', size: bytes.length, raw_path: '', reason: null, detail: null, ticket_id: null, not_before: null, processed_at: null, ...({ raw: bytes } as object) })
    .execute();
  await spoolRaw.up(store.db as Kysely<unknown>);
  const [entry] = await claimAll();
  expect(entry).toMatchObject({ id: 'old-entry', raw_path: '' });
  expect(entry!.raw?.equals(bytes)).toBe(true);
  expect(Object.keys(await store.db.selectFrom('spool').selectAll().executeTakeFirstOrThrow())).not.toContain('raw');

  await spoolRaw.down(store.db as Kysely<unknown>);
  const { rows } = await sql<{ raw: Buffer }>`select raw from spool where id = 'old-entry'`.execute(store.db);
  expect(rows[0]?.raw.equals(bytes)).toBe(true);
  await spoolRaw.up(store.db as Kysely<unknown>); // as the store expects to find it when closed
});
