/**
 * The admin page in a real browser: Debian's Chromium driven by playwright-core (installed by
 * .ci/run). Log in, add a blocked domain and see the next mail from it refused over SMTP, edit
 * a template with its live preview and see the next acknowledgement use it, see a broken
 * template refused, and retry a quarantined message from the spool page.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTemplates } from '../support/copy-templates.js';
import { spoolThenLoseFile } from '../support/lost-spool-file.js';
import { listSpool } from '../../src/store/spool-repo.js';
import { SmtpDialog } from '../support/smtp-dialog.js';
import { waitUntil } from '../support/smtp-sink.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const token = 'browser-token-0123456789';
let harness: TestGateway;
let browser: Browser;
let page: Page;
let base: string;

beforeAll(async () => {
  harness = await startTestGateway({ admin: { port: 0, token }, templatesDir: copyTemplates() });
  base = `http://127.0.0.1:${harness.gateway.adminPort}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await harness?.stop();
});

async function mailFromCode(sender: string): Promise<number> {
  const { dialog } = await SmtpDialog.open(harness.port);
  await dialog.command('EHLO browser.test');
  const reply = await dialog.command(`MAIL FROM:<${sender}>`);
  dialog.close();
  return reply.code;
}

describe('admin page in Chromium', () => {
  it('logs in with the token', async () => {
    await page.goto(`${base}/`);
    expect(page.url()).toBe(`${base}/login`);
    await page.fill('input[name=token]', token);
    await page.click('button');
    await page.waitForURL(`${base}/`);
    expect(await page.textContent('h1')).toBe('Tickets');
  });

  it('adds a blocked domain, and the next mail from it is refused over SMTP', async () => {
    expect(await mailFromCode('someone@browser-blocked.test')).toBe(250);
    await page.goto(`${base}/blocklist`);
    await page.fill('#blocklist + form input[name=entry]', 'browser-blocked.test');
    await page.click('#blocklist + form button');
    await page.waitForSelector('text=browser-blocked.test: added.');
    expect(await page.textContent('#blocklist')).toContain('browser-blocked.test');
    await waitUntil(async () => (await mailFromCode('someone@browser-blocked.test')) === 550, 2000, 'the block');
  });

  it('edits a template with a live preview, and the next acknowledgement uses it', async () => {
    await page.goto(`${base}/templates/en/ack-new-ticket`);
    await page.fill('textarea[name=subject]', 'Browser edit #{{ticket.id}}: {{ticket.subject}}');
    await page.waitForSelector('text=Subject: Browser edit #42: Export des dons');
    await page.click('button[type=submit]');
    await page.waitForSelector('text=Saved: the next mail uses it.');
    await page.screenshot({ path: join(mkdtempSync(join(tmpdir(), 'guichet-shot-')), 'editor.png') });
    await harness.send({ from: 'a@customer.test', subject: 'Hello', text: 'x' });
    expect((await harness.sink.waitForMails(1))[0]!.parsed.subject).toBe('Browser edit #1: Hello');
  });

  it('refuses a template that does not compile and keeps the previous one', async () => {
    await page.fill('textarea[name=subject]', '{{#if ticket.id}}never closed');
    await page.click('button[type=submit]');
    await page.waitForSelector('text=/Refused \\(subject\\)/');
    await harness.send({ from: 'b@customer.test', subject: 'Again', text: 'x' });
    expect((await harness.sink.waitForMails(2))[1]!.parsed.subject).toBe('Browser edit #2: Again');
  });

  it('lists a quarantined message on the spool page, and Retry files it once its file is back', async () => {
    await harness.gateway.spoolWorker.stop();
    const { id, restore } = await spoolThenLoseFile(harness, 'c@customer.test', 'Lost file');
    await harness.gateway.spoolWorker.processPending();
    await page.goto(`${base}/spool`);
    expect(await page.textContent('#spool')).toContain('quarantined SPOOL_FILE_MISSING');
    await page.screenshot({ path: join(mkdtempSync(join(tmpdir(), 'guichet-shot-')), 'spool.png') });
    restore();
    await harness.gateway.spoolWorker.start();
    await page.click(`#spool form:has(input[value="${id}"]) button`);
    await page.waitForSelector(`text=${id}: sent back to filing.`);
    await harness.settle();
    expect((await listSpool(harness.gateway.db)).find((entry) => entry.id === id)?.state).toBe('filed');
  });
});

