/**
 * The listener's protections over real sockets: STARTTLS with a configured certificate,
 * a cap on simultaneous clients, a cap on recipients, and the idle timeout.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { SmtpDialog } from '../support/smtp-dialog.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const tls = join(import.meta.dirname, '..', 'fixtures', 'tls');
let harness: TestGateway;
afterEach(async () => harness.stop());

describe('listener limits', () => {
  it('offers STARTTLS with the configured certificate and accepts mail over it', async () => {
    harness = await startTestGateway({ smtp: { tls: { key: join(tls, 'key.pem'), cert: join(tls, 'cert.pem') } } });
    const { dialog } = await SmtpDialog.open(harness.port);
    const ehlo = await dialog.command('EHLO client');
    dialog.close();
    expect(ehlo.text).toContain('STARTTLS');
    const client = nodemailer.createTransport({
      host: '127.0.0.1',
      port: harness.port,
      requireTLS: true,
      tls: { ca: readFileSync(join(tls, 'cert.pem')), servername: 'localhost' },
    });
    const info = await client.sendMail({ from: 'tls@customer.test', to: 'support@example.org', subject: 'over TLS', text: 'secret' });
    client.close();
    expect(info.response).toMatch(/^250 /);
    await harness.settle();
    const received = await harness.gateway.db.selectFrom('messages').select('subject').where('direction', '=', 'in').execute();
    expect(received).toEqual([{ subject: 'over TLS' }]);
  });

  it('refuses clients beyond smtp.maxClients with 421 and serves the others', async () => {
    harness = await startTestGateway({ smtp: { maxClients: 2 } });
    const first = await SmtpDialog.open(harness.port);
    const second = await SmtpDialog.open(harness.port);
    const third = await SmtpDialog.open(harness.port);
    expect(first.greeting.code).toBe(220);
    expect(second.greeting.code).toBe(220);
    expect(third.greeting.code).toBe(421);
    expect((await first.dialog.command('NOOP')).code).toBe(250);
    for (const { dialog } of [first, second, third]) dialog.close();
  });

  it('answers recipients beyond smtp.maxRecipients with 452 and keeps the accepted ones', async () => {
    harness = await startTestGateway({ smtp: { maxRecipients: 1 } });
    const { dialog } = await SmtpDialog.open(harness.port);
    await dialog.command('EHLO client');
    await dialog.command('MAIL FROM:<a@customer.test>');
    expect((await dialog.command('RCPT TO:<support@example.org>')).code).toBe(250);
    expect((await dialog.command('RCPT TO:<billing@example.org>')).text).toMatch(/^452 /);
    expect((await dialog.data('From: a@customer.test\r\nSubject: s\r\n\r\nx\r\n')).code).toBe(250);
    dialog.close();
  });

  it('disconnects an idle client after smtp.idleTimeoutMs', async () => {
    harness = await startTestGateway({ smtp: { idleTimeoutMs: 300 } });
    const { dialog } = await SmtpDialog.open(harness.port);
    const started = Date.now();
    const goodbye = await dialog.next();
    expect(goodbye.code).toBe(421);
    expect(Date.now() - started).toBeLessThan(3000);
    dialog.close();
  });
});
