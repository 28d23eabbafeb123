/**
 * The outbox against a real relay that misbehaves: a relay answering 4xx is retried with
 * backoff until it accepts; a relay answering 5xx fails the mail once, recorded on the ticket,
 * with no retry storm, and is sent when an admin queues it again once the relay is fixed; and a
 * relay that is down entirely loses nothing. And against a store that refuses to record a sent
 * mail: the mail is not sent again for that.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/database-schema.js';
import { pino } from 'pino';
import { OutboxWorker } from '../../src/notify/outbox-worker.js';
import { SmtpMailer } from '../../src/notify/smtp-mailer.js';
import { enqueueMail, listOutbox } from '../../src/store/outbox-repo.js';
import { isPostgres } from '../../src/store/store-dialect.js';
import { ticketDetail } from '../../src/tickets/ticket-view.js';
import { writeConfig } from '../support/gateway-process.js';
import { outgoingTestMail } from '../support/outgoing-test-mail.js';
import { waitUntil } from '../support/smtp-sink.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', 'bin', 'guichet.mjs');

let harness: TestGateway;
afterEach(async () => harness.stop());

describe('outbox', () => {
  it('retries a temporary refusal with backoff and delivers once the relay accepts', async () => {
    harness = await startTestGateway();
    harness.sink.setReply(451);
    await harness.send({ from: 'alice@customer.test', subject: 'Hello', text: 'Hi' });
    await waitUntil(() => harness.sink.attempts >= 3, 5000, 'three refused attempts');
    expect(harness.sink.mails).toHaveLength(0);
    const [deferred] = await listOutbox(harness.gateway.db);
    expect(deferred?.state).toBe('queued');
    expect(deferred?.last_error).toMatch(/^451/);
    harness.sink.setReply(null);
    const [mail] = await harness.sink.waitForMails(1, 10_000);
    expect(mail?.parsed.subject).toBe('[#1] Hello');
    // The relay has the mail once it answers 250; the gateway records "sent" just after that
    // answer reaches it, so the row is polled rather than read once.
    await waitUntil(async () => (await listOutbox(harness.gateway.db))[0]?.state === 'sent', 5000, 'the mail to be recorded as sent');
    const [sent] = await listOutbox(harness.gateway.db);
    expect(sent?.attempts).toBeGreaterThanOrEqual(4);
  });

  it('records a permanent refusal on the ticket and does not retry it', async () => {
    harness = await startTestGateway();
    harness.sink.setReply(550);
    await harness.send({ from: 'alice@customer.test', subject: 'Hello', text: 'Hi' });
    await waitUntil(async () => (await listOutbox(harness.gateway.db))[0]?.state === 'failed', 5000, 'the mail to fail');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(harness.sink.attempts).toBe(1);
    const ticket = await ticketDetail(harness.gateway.db, 1);
    expect(ticket?.decisions.map((decision) => decision.code)).toContain('NOTIFY_SEND_REFUSED');
  });

  it('sends a failed mail when an admin queues it again once the relay is fixed', async () => {
    harness = await startTestGateway();
    harness.sink.setReply(550);
    await harness.send({ from: 'alice@customer.test', subject: 'Hello', text: 'Hi' });
    await waitUntil(async () => (await listOutbox(harness.gateway.db))[0]?.state === 'failed', 5000, 'the mail to fail');
    const guichet = (...args: string[]) => run(process.execPath, [bin, ...args, '--config', writeConfig(harness.dataDir, { dataDir: harness.dataDir, store: harness.store })]);
    const listed = JSON.parse((await guichet('outbox', 'list', '--state', 'failed', '--json')).stdout) as unknown[];
    expect(listed).toMatchObject([{ id: 1, ticketId: 1, event: 'ack-new-ticket', state: 'failed', recipient: 'alice@customer.test', attempts: 1, lastError: expect.stringMatching(/^550/) }]);
    await expect(guichet('outbox', 'list', '--state', 'lost')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('unknown outbox state "lost": queued, sent or failed') });

    harness.sink.setReply(null);
    const retried = JSON.parse((await guichet('outbox', 'retry', '--all', '--json')).stdout) as unknown[];
    expect(retried).toMatchObject([{ id: 1, ticketId: 1, event: 'ack-new-ticket', was: expect.stringMatching(/^failed after 1 attempt: 550/) }]);
    const [mail] = await harness.sink.waitForMails(1, 5000);
    expect(mail?.parsed.subject).toBe('[#1] Hello');
    await waitUntil(async () => (await listOutbox(harness.gateway.db))[0]?.state === 'sent', 5000, 'the mail to be recorded as sent');
    const ticket = await ticketDetail(harness.gateway.db, 1);
    expect(ticket?.decisions.find((decision) => decision.code === 'NOTIFY_REQUEUED')?.detail).toMatch(/^ack-new-ticket \(outbox 1\) failed after 1 attempt: 550.*; by cli:/);
    await expect(guichet('outbox', 'retry', '1')).rejects.toMatchObject({ code: 3, stderr: expect.stringContaining('no failed mail 1 in the outbox') });
  });

  it('keeps the order of a ticket’s mails when the first one is retried', async () => {
    harness = await startTestGateway({ outbound: { smtp: { host: '127.0.0.1', port: 1 }, retryBaseMs: 200 } });
    // The relay is down: the first mail of ticket 7 is deferred; the second must not overtake it.
    await harness.gateway.db.transaction().execute(async (trx) => {
      await enqueueMail(trx, { ticketId: 7, event: 'test', mail: outgoingTestMail('first'), automatic: false, at: new Date().toISOString() });
    });
    await waitUntil(async () => ((await listOutbox(harness.gateway.db))[0]?.attempts ?? 0) >= 1, 5000, 'a failed attempt');
    await harness.gateway.db.transaction().execute(async (trx) => {
      await enqueueMail(trx, { ticketId: 7, event: 'test', mail: outgoingTestMail('second'), automatic: false, at: new Date().toISOString() });
    });
    await harness.gateway.outboxWorker.sendDue();
    const [first, second] = await listOutbox(harness.gateway.db);
    expect(first?.attempts).toBeGreaterThanOrEqual(1);
    expect(second?.attempts).toBe(0);
  });

  it('keeps mail queued while the relay is unreachable', async () => {
    harness = await startTestGateway({ outbound: { smtp: { host: '127.0.0.1', port: 1 }, retryBaseMs: 60_000 } });
    await harness.send({ from: 'alice@customer.test', subject: 'Hello', text: 'Hi' });
    await waitUntil(async () => ((await listOutbox(harness.gateway.db))[0]?.attempts ?? 0) >= 1, 5000, 'a failed attempt');
    const [row] = await listOutbox(harness.gateway.db);
    expect(row?.state).toBe('queued');
    expect(new Date(row!.next_attempt_at).getTime()).toBeGreaterThan(Date.now() + 30_000);
  });

  it('does not send a mail again because the store failed to record it as sent', async () => {
    harness = await startTestGateway();
    const db = harness.gateway.db;
    await refuseSentMarks(db, true);
    await harness.send({ from: 'alice@customer.test', subject: 'Hello', text: 'Hi' });
    await harness.sink.waitForMails(1, 5000);
    // Twenty polls of the outbox (50 ms apart in tests) with the mark still refused.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(harness.sink.attempts).toBe(1);
    expect((await listOutbox(db))[0]?.state).toBe('queued');
    await refuseSentMarks(db, false);
    await waitUntil(async () => (await listOutbox(db))[0]?.state === 'sent', 5000, 'the mail to be recorded as sent');
    expect(harness.sink.attempts).toBe(1);
    expect((await listOutbox(db))[0]?.attempts).toBe(1);
  });

  it('makes a refused mark when it stops, rather than leave the mail to be sent again on restart', async () => {
    harness = await startTestGateway();
    const db = harness.gateway.db;
    // A worker of our own, driven pass by pass: the gateway's would race it for the row.
    await harness.gateway.outboxWorker.stop();
    const worker = new OutboxWorker(db, new SmtpMailer({ host: '127.0.0.1', port: harness.sink.port, secure: false, requireTLS: false }, 'test.example.org'), pino({ level: 'silent' }), { maxAttempts: 3, retryBaseMs: 50 });
    await db.transaction().execute((trx) => enqueueMail(trx, { ticketId: 1, event: 'test', mail: outgoingTestMail('Hello'), automatic: false, at: new Date().toISOString() }));
    await refuseSentMarks(db, true);
    await worker.sendDue();
    expect(harness.sink.attempts).toBe(1);
    expect((await listOutbox(db))[0]?.state).toBe('queued');
    await refuseSentMarks(db, false);
    await worker.stop();
    expect((await listOutbox(db))[0]?.state).toBe('sent');
    expect(harness.sink.attempts).toBe(1);
  });
});

/** A trigger that makes the store fail every update marking outbox mail sent (a real failure, from the database). */
async function refuseSentMarks(db: Kysely<Database>, refuse: boolean): Promise<void> {
  if (isPostgres(db)) {
    if (refuse) {
      await sql`create function refuse_sent() returns trigger language plpgsql as $$ begin if new.state = 'sent' then raise exception 'store refuses'; end if; return new; end $$`.execute(db);
      await sql`create trigger refuse_sent before update on outbox for each row execute function refuse_sent()`.execute(db);
    } else {
      await sql`drop trigger refuse_sent on outbox`.execute(db);
      await sql`drop function refuse_sent()`.execute(db);
    }
    return;
  }
  if (refuse) await sql`create trigger refuse_sent before update of state on outbox when new.state = 'sent' begin select raise(abort, 'store refuses'); end`.execute(db);
  else await sql`drop trigger refuse_sent`.execute(db);
}
