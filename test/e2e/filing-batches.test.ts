/**
 * Filing in batches: several spooled messages are filed in one transaction, each under its own
 * savepoint. One that fails midway is rolled back alone; the others are filed and committed.
 */
import { afterEach, expect, it } from 'vitest';
import { fileSpoolEntries, prepareSpoolEntry, type PipelineDeps, type PreparedEntry } from '../../src/spool/process-spool-entry.js';
import { claimPendingSpool, listSpool } from '../../src/store/spool-repo.js';
import { listTickets } from '../../src/store/ticket-repo.js';
import { sendByDialog } from '../support/smtp-dialog.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

let harness: TestGateway;
afterEach(async () => harness.stop());

it('rolls back only the entry that failed, and commits the rest of its batch', async () => {
  harness = await startTestGateway();
  await harness.gateway.spoolWorker.stop();
  for (const name of ['first', 'broken', 'third']) {
    const body = `From: ${name}@customer.test\r\nSubject: Question from ${name}\r\nMessage-ID: <${name}@customer.test>\r\n\r\nHello from ${name}.\r\n`;
    expect((await sendByDialog(harness.port, `${name}@customer.test`, ['support@example.org'], body)).data?.code).toBe(250);
  }
  const deps = harness.gateway.spoolWorker.pipelineDeps;
  const now = new Date();
  const entries = await claimPendingSpool(harness.gateway.db, 'filing-batches-test', 10, now.toISOString(), new Date(now.getTime() + 60_000).toISOString());
  expect(entries).toHaveLength(3);
  const prepared = (await Promise.all(entries.map((entry) => prepareSpoolEntry(deps, entry)))) as PreparedEntry[];
  // The second fails after its ticket row is written, when its attachment list cannot be read.
  const broken = prepared.findIndex((item) => item.sender.address === 'broken@customer.test');
  prepared[broken] = { ...prepared[broken]!, message: { ...prepared[broken]!.message, attachments: null as never } };
  const results = await fileSpoolEntries(deps as PipelineDeps, prepared);
  expect(results.map((result) => result.kind)).toEqual(prepared.map((_, index) => (index === broken ? 'failed' : 'filed')));
  const tickets = await listTickets(harness.gateway.db);
  expect(tickets.map((ticket) => ticket.requester).sort()).toEqual(['first@customer.test', 'third@customer.test']);
  const states = Object.fromEntries((await listSpool(harness.gateway.db)).map((entry) => [entry.mail_from, entry.state]));
  expect(states).toEqual({ 'first@customer.test': 'filed', 'broken@customer.test': 'pending', 'third@customer.test': 'filed' });
});
