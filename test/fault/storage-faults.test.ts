/**
 * Storage faults at the SMTP edge: when the spool cannot be written the client gets 451 (try
 * again later), never 250, and the next message after the fault is accepted; when another
 * process holds the database busy, the commit waits for it instead of failing, and other SMTP
 * sessions are served in the meantime. And while filing: an attachment that cannot be stored or
 * a spool file that cannot be read is retried, not quarantined; a spool file that is gone is
 * quarantined, the agents are told, and `guichet spool retry` files it once it is restored.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { databasePath } from '../../src/store/open-database.js';
import { listDecisions } from '../../src/store/decision-repo.js';
import { listSpool } from '../../src/store/spool-repo.js';
import { ticketDetail } from '../../src/tickets/ticket-view.js';
import { writeConfig } from '../support/gateway-process.js';
import { largeMessage, spoolThenLoseFile } from '../support/lost-spool-file.js';
import { waitUntil } from '../support/smtp-sink.js';
import { sendByDialog, SmtpDialog } from '../support/smtp-dialog.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', 'bin', 'guichet.mjs');

let harness: TestGateway;
afterEach(async () => harness.stop());

const body = (subject: string) => `From: a@customer.test\r\nSubject: ${subject}\r\n\r\nx\r\n`;
/** Past INLINE_MESSAGE_BYTES, so the message goes to a spool file rather than into its row. */
const largeBody = (subject: string) => largeMessage('a@customer.test', subject);

describe('storage faults', () => {
  it('answers 451 when the spool cannot be written, and 250 again once it can', async () => {
    harness = await startTestGateway();
    const spool = join(harness.dataDir, 'spool');
    // Root ignores permissions, so break the directory itself: a file where the directory was.
    renameSync(spool, `${spool}.away`);
    writeFileSync(spool, 'not a directory');
    const failed = await sendByDialog(harness.port, 'a@customer.test', ['support@example.org'], largeBody('during the fault'));
    expect(failed.data?.text).toMatch(/^451 4\.3\.0 Temporary local problem \(SPOOL_WRITE_FAILED\)/);
    rmSync(spool);
    renameSync(`${spool}.away`, spool);
    const recovered = await sendByDialog(harness.port, 'a@customer.test', ['support@example.org'], largeBody('after the fault'));
    expect(recovered.data?.code).toBe(250);
    await harness.settle();
    const entries = await listSpool(harness.gateway.db);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.state).toBe('filed');
  });

  it('waits for a database held busy by another process, then accepts', async () => {
    harness = await startTestGateway();
    // Another process (as the CLI would be) holds a write lock until told to let go.
    const holder = spawn(process.execPath, [
      '-e',
      `const D = require('better-sqlite3'); const db = new D(process.argv[1]); db.exec('BEGIN EXCLUSIVE'); console.log('locked'); process.stdin.once('data', () => { db.exec('COMMIT'); db.close(); process.exit(0); });`,
      databasePath(harness.dataDir),
    ], { cwd: join(import.meta.dirname, '..', '..'), stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
    let answered = false;
    const sending = sendByDialog(harness.port, 'a@customer.test', ['support@example.org'], body('while busy')).then((replies) => {
      answered = true;
      return replies;
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(answered).toBe(false); // no 250 while the row cannot be committed
    // The wait does not stop the gateway: another client is greeted and answered meanwhile.
    const started = Date.now();
    const { dialog, greeting } = await SmtpDialog.open(harness.port);
    const ehlo = await dialog.command('EHLO other.client');
    dialog.close();
    expect([greeting.code, ehlo.code]).toEqual([220, 250]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(answered).toBe(false);
    holder.stdin!.write('release\n');
    const replies = await sending;
    expect(replies.data?.code).toBe(250);
    await harness.settle();
    expect((await listSpool(harness.gateway.db))[0]?.state).toBe('filed');
  });

  it('quarantines a spooled message whose file disappeared, and files it when an admin restores the file and retries it', async () => {
    harness = await startTestGateway();
    mkdirSync(join(harness.dataDir, 'spool'), { recursive: true });
    await harness.gateway.spoolWorker.stop();
    const { id, restore } = await spoolThenLoseFile(harness, 'a@customer.test', 'lost file');
    harness.gateway.spoolWorker.wake();
    await harness.gateway.spoolWorker.processPending();
    expect((await listSpool(harness.gateway.db))[0]).toMatchObject({ state: 'quarantined', reason: 'SPOOL_FILE_MISSING' });

    // The file comes back from a backup; the admin sends the entry back with the CLI.
    restore();
    await harness.gateway.spoolWorker.start();
    const configFile = writeConfig(harness.dataDir, { dataDir: harness.dataDir, store: harness.store });
    const { stdout } = await run(process.execPath, [bin, 'spool', 'retry', id, '--json', '--config', configFile]);
    expect(JSON.parse(stdout)).toEqual([{ id, was: 'quarantined SPOOL_FILE_MISSING' }]);
    await harness.settle();
    expect((await listSpool(harness.gateway.db))[0]).toMatchObject({ state: 'filed', ticket_id: 1, attempts: 0 });
    const refused = await run(process.execPath, [bin, 'spool', 'retry', id, '--config', configFile]).catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({ code: 3, stderr: expect.stringContaining(`no quarantined or deferred spool entry ${id}`) });
  });

  it('retries a message whose attachment cannot be stored, rather than quarantining it as malformed, and files it once it can', async () => {
    harness = await startTestGateway();
    const attachments = join(harness.dataDir, 'attachments');
    rmSync(attachments, { recursive: true, force: true });
    writeFileSync(attachments, 'not a directory'); // a full or broken disk, as root can have it
    const withAttachment = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'with-attachment.eml'), 'latin1').replace(/\r?\n/g, '\r\n');
    expect((await sendByDialog(harness.port, 'alice@customer.test', ['support@example.org'], withAttachment)).data?.code).toBe(250);
    await waitUntil(async () => (await listSpool(harness.gateway.db)).some((entry) => entry.state !== 'pending' || entry.attempts > 0), 5000, 'a first attempt');
    const [failed] = await listSpool(harness.gateway.db);
    expect(failed).toMatchObject({ state: 'pending', attempts: 1 });
    expect(failed!.detail).toMatch(/PARSE_ATTACHMENT_WRITE_FAILED/);
    rmSync(attachments);
    await harness.settle(10_000);
    const [filed] = await listSpool(harness.gateway.db);
    expect(filed).toMatchObject({ state: 'filed', ticket_id: 1 });
    const ticket = await ticketDetail(harness.gateway.db, 1);
    expect(ticket?.messages[0]?.attachments).toMatchObject([{ filename: 'shot.png', contentType: 'image/png' }]);
  });

  it('retries a spooled message whose file cannot be read, rather than quarantining it, and files it once it can', async () => {
    harness = await startTestGateway();
    await harness.gateway.spoolWorker.stop();
    const { file, restore } = await spoolThenLoseFile(harness, 'a@customer.test', 'unreadable file');
    // A directory where the file was: it opens, and every read fails (EISDIR), as a failing disk's would.
    mkdirSync(file);
    await harness.gateway.spoolWorker.processPending();
    const [failed] = await listSpool(harness.gateway.db);
    expect(failed).toMatchObject({ state: 'pending', attempts: 1 });
    expect(failed!.detail).toMatch(/^SPOOL_READ_FAILED: cannot read the spooled message: EISDIR/);
    restore();
    await harness.gateway.spoolWorker.start();
    await harness.settle(10_000);
    expect((await listSpool(harness.gateway.db))[0]).toMatchObject({ state: 'filed', ticket_id: 1 });
  });

  it('mails the agents when a message is quarantined, once an hour, and never for a message with no sender at all', async () => {
    harness = await startTestGateway({ agents: [{ address: 'alice@example.org', name: 'Alice' }, { address: 'bob@example.org', name: 'Bob' }] });
    await harness.gateway.spoolWorker.stop();
    const quarantineLargeMessage = async (subject: string) => {
      const { id } = await spoolThenLoseFile(harness, 'a@customer.test', subject);
      await harness.gateway.spoolWorker.processPending();
      return id;
    };
    const first = await quarantineLargeMessage('first lost file');
    await harness.gateway.spoolWorker.start();
    const alerts = await harness.sink.waitForMails(2, 5000);
    expect(alerts.map((mail) => [mail.envelopeFrom, ...mail.envelopeTo]).sort()).toEqual([['', 'alice@example.org'], ['', 'bob@example.org']]);
    expect(alerts[0]!.parsed.subject).toBe('Guichet: a message to support@example.org could not be filed (SPOOL_FILE_MISSING)');
    expect(alerts[0]!.parsed.text).toContain(`guichet spool retry ${first}`);
    expect(alerts[0]!.parsed.headers.get('auto-submitted')).toBe('auto-generated');

    await harness.gateway.spoolWorker.stop();
    const second = await quarantineLargeMessage('second lost file');
    // No sender anywhere: quarantined, and nobody is mailed about it.
    expect((await sendByDialog(harness.port, '', ['support@example.org'], 'Subject: nobody\r\n\r\nx\r\n')).data?.code).toBe(250);
    await harness.gateway.spoolWorker.processPending();
    await harness.gateway.spoolWorker.start();
    await harness.settle();
    expect(harness.sink.mails).toHaveLength(2);
    const skipped = (await listDecisions(harness.gateway.db, {})).filter((decision) => decision.code === 'QUARANTINE_ALERT_SKIPPED');
    expect(skipped.map((decision) => [decision.spool_id === second, decision.detail?.replace(/\d+/, 'N')])).toEqual([
      [true, 'an alert was queued within the hour (outbox N)'],
      [false, 'not mailed for PARSE_NO_SENDER'],
    ]);
  });

  it("holds an agent's answer to a quarantine alert instead of opening a ticket for it, and files a look-alike from a customer", async () => {
    harness = await startTestGateway({ agents: [{ address: 'alice@example.org', name: 'Alice' }] });
    await harness.gateway.spoolWorker.stop();
    const { id: lost } = await spoolThenLoseFile(harness, 'a@customer.test', 'lost file');
    await harness.gateway.spoolWorker.processPending();
    await harness.gateway.spoolWorker.start();
    const [alert] = await harness.sink.waitForMails(1, 5000);
    const alertId = alert!.parsed.messageId!;
    expect(alertId).toMatch(new RegExp(`^<q\\.${lost}\\.`));

    const answer = (from: string, inReplyTo: string) =>
      `From: ${from}\r\nSubject: Re: ${alert!.parsed.subject}\r\nIn-Reply-To: ${inReplyTo}\r\nReferences: ${inReplyTo}\r\n\r\nI restored the file, retrying now.\r\n`;
    const replyQueued = await sendByDialog(harness.port, 'alice@example.org', ['support@example.org'], answer('Alice <alice@example.org>', alertId));
    const replyId = /queued as (\S+)/.exec(replyQueued.data?.text ?? '')?.[1];
    // The same shape of id with a tag that is not ours: a customer's mail, filed as usual.
    const forged = alertId.replace(/\.[0-9a-f]{20}@/, `.${'0'.repeat(20)}@`);
    await sendByDialog(harness.port, 'b@customer.test', ['support@example.org'], answer('b@customer.test', forged));
    await harness.settle();

    const spool = await listSpool(harness.gateway.db);
    expect(spool.find((entry) => entry.id === replyId)).toMatchObject({ state: 'held', reason: 'REPLY_TO_ALERT', ticket_id: null });
    expect(spool.find((entry) => entry.id === replyId)?.detail).toContain(`about spool entry ${lost}`);
    const tickets = await harness.gateway.db.selectFrom('tickets').select(['id', 'requester']).execute();
    expect(tickets).toEqual([{ id: 1, requester: 'b@customer.test' }]);
    // The alert and the new ticket's notification to the agent, the acknowledgement to the customer: none for the agent's answer.
    expect(harness.sink.mails.map((mail) => mail.envelopeTo.join()).sort()).toEqual(['alice@example.org', 'alice@example.org', 'b@customer.test']);

    // An admin who wants it as a ticket all the same releases it.
    const configFile = writeConfig(harness.dataDir, { dataDir: harness.dataDir, store: harness.store });
    await run(process.execPath, [bin, 'spool', 'release', replyId!, '--config', configFile]);
    await waitUntil(async () => (await listSpool(harness.gateway.db)).find((entry) => entry.id === replyId)?.state === 'filed', 10_000, 'the released answer filed');
  });
});

