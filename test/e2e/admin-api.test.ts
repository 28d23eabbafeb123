/**
 * The admin surface over real HTTP (and SMTP): no access without the token, the JSON API for
 * tickets, blocklist and templates, a blocked domain refused over SMTP at once, an edited
 * template used by the next acknowledgement, a broken one refused while the previous stays,
 * template files edited on disk picked up live, /metrics, customer content always escaped, and
 * accepted messages that need an admin (quarantined, held) sent on from the spool page and API.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listSpool } from '../../src/store/spool-repo.js';
import { copyTemplates } from '../support/copy-templates.js';
import { spoolThenLoseFile } from '../support/lost-spool-file.js';
import { sendByDialog } from '../support/smtp-dialog.js';
import { waitUntil } from '../support/smtp-sink.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const token = 'admin-token-0123456789';
let harness: TestGateway;
let templatesDir: string;
let base: string;

beforeEach(async () => {
  templatesDir = copyTemplates();
  harness = await startTestGateway({ admin: { port: 0, token }, templatesDir });
  base = `http://127.0.0.1:${harness.gateway.adminPort}`;
});
afterEach(async () => harness.stop());

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });

describe('access', () => {
  it('refuses everything but the login page without the token, and a wrong token', async () => {
    expect((await fetch(`${base}/api/tickets`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const page = await fetch(`${base}/`, { redirect: 'manual' });
    expect([page.status, page.headers.get('location')]).toEqual([303, '/login']);
    expect((await fetch(`${base}/api/tickets`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    const login = await fetch(`${base}/login`, { method: 'POST', body: 'token=nope', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    expect(login.status).toBe(401);
  });

  it('logs in with the token and sets a strict, HTTP-only session cookie', async () => {
    const login = await fetch(`${base}/login`, { method: 'POST', body: `token=${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    expect(login.status).toBe(303);
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
    const page = await fetch(`${base}/`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('refuses a cross-origin change even with a valid session', async () => {
    const response = await api('/api/blocklist', { method: 'POST', body: JSON.stringify({ entry: 'evil.test' }), headers: { origin: 'http://attacker.test' } });
    expect(response.status).toBe(403);
  });

  it('will not start with a port and no token', async () => {
    await expect(startTestGateway({ admin: { port: 0 } })).rejects.toThrow(/admin\.token: is required when admin\.port is set/);
  });
});

describe('tickets', () => {
  it('lists and shows tickets, and never renders customer HTML', async () => {
    await harness.send({ from: 'mallory@customer.test', subject: '<script>alert(1)</script> help', html: '<p>Hi</p><img src=x onerror=alert(2)>' });
    await harness.settle();
    const list = (await (await api('/api/tickets')).json()) as { id: number; subject: string }[];
    expect(list.map((ticket) => ticket.subject)).toEqual(['<script>alert(1)</script> help']);
    const page = await (await api('/tickets/1')).text();
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; help');
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('onerror=alert');
    expect(page).toContain('THREAD_NEW_NO_REFERENCE');
  });

  it('serves attachments as downloads only', async () => {
    await harness.send({ from: 'a@customer.test', subject: 'file', text: 'x', attachments: [{ filename: 'evil.html', content: '<script>alert(1)</script>' }] });
    await harness.settle();
    const ticket = (await (await api('/api/tickets/1')).json()) as { messages: { attachments: { sha256: string }[] }[] };
    const response = await api(`/tickets/1/attachments/${ticket.messages[0]!.attachments[0]!.sha256}`);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''evil.html");
    // Read to the end: an unread body keeps the connection busy, and the gateway's stop waits for it.
    expect(await response.text()).toBe('<script>alert(1)</script>');
  });
});

describe('stop', () => {
  it('stops within its grace while a client has stopped reading a download', async () => {
    await harness.send({ from: 'a@customer.test', subject: 'big file', text: 'x', attachments: [{ filename: 'big.bin', content: Buffer.alloc(8 * 1024 * 1024, 1) }] });
    await harness.settle();
    const ticket = (await (await api('/api/tickets/1')).json()) as { messages: { attachments: { sha256: string }[] }[] };
    const download = await api(`/tickets/1/attachments/${ticket.messages[0]!.attachments[0]!.sha256}`);
    expect(download.status).toBe(200); // its 8 MB body left unread
    const started = Date.now();
    await harness.stop();
    expect(Date.now() - started).toBeLessThan(4000); // the 1 s grace and the rest of the stop; without it, never
    harness = await startTestGateway({ admin: { port: 0, token }, templatesDir }); // for afterEach
  });
});

describe('blocklist', () => {
  it('refuses the next mail from a domain added through the API, and accepts it again once removed', async () => {
    expect((await api('/api/blocklist', { method: 'POST', body: JSON.stringify({ entry: 'Spam.Test' }) })).status).toBe(201);
    await waitUntil(async () => (await sendByDialog(harness.port, 'a@spam.test', ['support@example.org'], 'Subject: x\r\n\r\nx\r\n')).mail.code === 550, 2000, 'the block');
    const bad = await api('/api/blocklist', { method: 'POST', body: JSON.stringify({ entry: 'not a domain' }) });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: string }).error).toContain('neither a domain');
    await api('/api/blocklist', { method: 'DELETE', body: JSON.stringify({ entry: 'spam.test' }) });
    await waitUntil(async () => (await sendByDialog(harness.port, 'b@spam.test', ['support@example.org'], 'From: b@spam.test\r\nSubject: x\r\n\r\nx\r\n')).data?.code === 250, 2000, 'the unblock');
  });
});

describe('templates', () => {
  it('uses an edited template for the next acknowledgement and refuses a broken one', async () => {
    const saved = await api('/api/templates/en/ack-new-ticket/subject', { method: 'PUT', body: JSON.stringify({ source: 'Ticket {{ticket.id}} received: {{ticket.subject}}' }) });
    expect(saved.status).toBe(204);
    await harness.send({ from: 'a@customer.test', subject: 'Hello', text: 'x' });
    expect((await harness.sink.waitForMails(1))[0]!.parsed.subject).toBe('Ticket 1 received: Hello');
    const broken = await api('/api/templates/en/ack-new-ticket/subject', { method: 'PUT', body: JSON.stringify({ source: '{{#if ticket.id}}unclosed' }) });
    expect(broken.status).toBe(422);
    const typo = await api('/api/templates/en/ack-new-ticket/subject', { method: 'PUT', body: JSON.stringify({ source: '{{tikcet.id}}' }) });
    expect(((await typo.json()) as { error: string }).error).toContain('uses {{tikcet.id}}, which this event does not provide');
    await harness.send({ from: 'b@customer.test', subject: 'Again', text: 'x' });
    expect((await harness.sink.waitForMails(2))[1]!.parsed.subject).toBe('Ticket 2 received: Again');
    const preview = await api('/api/templates/preview', { method: 'POST', body: JSON.stringify({ locale: 'fr', event: 'ack-new-ticket', sources: { subject: 'Demande {{ticket.id}}' } }) });
    expect(((await preview.json()) as { subject: string }).subject).toBe('Demande 42');
  });

  it('picks up a template file edited on disk within seconds, and keeps the previous one if it breaks', async () => {
    const file = join(templatesDir, 'en', 'ack-new-ticket.subject.hbs');
    writeFileSync(file, 'Edited on disk #{{ticket.id}}');
    await waitUntil(() => harness.gateway.templates.render('ack-new-ticket', 'en', { ticket: { id: 1 } }).subject === 'Edited on disk #1', 3000, 'the reload');
    writeFileSync(file, '{{#each}}broken');
    await waitUntil(() => harness.gateway.templates.problems().length > 0, 3000, 'the refusal');
    await harness.send({ from: 'a@customer.test', subject: 'Hello', text: 'x' });
    expect((await harness.sink.waitForMails(1))[0]!.parsed.subject).toBe('Edited on disk #1');
    expect(readFileSync(file, 'utf8')).toBe('{{#each}}broken');
  });
});

describe('metrics', () => {
  it('exposes counters and store gauges in Prometheus format', async () => {
    await harness.send({ from: 'a@customer.test', subject: 'Hello', text: 'x' });
    await sendByDialog(harness.port, 'a@customer.test', ['nobody@example.org'], 'x');
    await harness.sink.waitForMails(1);
    const text = await (await api('/metrics')).text();
    expect(text).toMatch(/^guichet_messages_received_total 1$/m);
    expect(text).toMatch(/^guichet_messages_refused_total\{reason="unknown_recipient"\} 1$/m);
    expect(text).toMatch(/^guichet_tickets_created_total 1$/m);
    expect(text).toMatch(/^guichet_auto_replies_total\{result="queued"\} 1$/m);
    expect(text).toMatch(/^guichet_tickets\{status="new"\} 1$/m);
    expect(text).toMatch(/^guichet_outbox_depth \d+$/m);
    expect(text).toMatch(/^guichet_processing_seconds_count 1$/m);
  });
});

describe('spool', () => {
  const form = (body: string) => api('/spool', { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  it('lists a quarantined message on the spool page and files it when Retry is pressed once its file is back', async () => {
    await harness.gateway.spoolWorker.stop();
    const { id, restore } = await spoolThenLoseFile(harness, 'a@customer.test', 'lost file');
    await harness.gateway.spoolWorker.processPending();
    const page = await (await api('/spool')).text();
    expect(page).toContain(`<code>${id}</code></td><td>quarantined SPOOL_FILE_MISSING</td>`);
    expect(page).toContain(`<input type="hidden" name="id" value="${id}"><button name="action" value="retry">Retry</button>`);
    expect(((await (await api('/api/spool')).json()) as { id: string; reason: string }[]).map((entry) => [entry.id, entry.reason])).toEqual([[id, 'SPOOL_FILE_MISSING']]);

    restore();
    await harness.gateway.spoolWorker.start();
    const retried = await form(`id=${id}&action=retry`);
    expect(retried.status).toBe(200);
    expect(await retried.text()).toContain(`${id}: sent back to filing.`);
    await harness.settle();
    expect((await listSpool(harness.gateway.db))[0]).toMatchObject({ state: 'filed', ticket_id: 1 });
    expect(await (await api('/api/spool')).json()).toEqual([]);
    const again = await form(`id=${id}&action=retry`);
    expect([again.status, await again.text()]).toEqual([422, expect.stringContaining(`no quarantined or deferred spool entry ${id}`)]);
  });

  it('releases a message held by the sender limit through the API, and retries every quarantined one with all', async () => {
    await harness.stop();
    harness = await startTestGateway({ admin: { port: 0, token }, templatesDir, limits: { newTicketsPerSenderPerHour: 1 } });
    base = `http://127.0.0.1:${harness.gateway.adminPort}`;
    for (const subject of ['first', 'second']) await harness.send({ from: 'busy@customer.test', subject, text: 'x' });
    await harness.settle();
    const [held] = (await (await api('/api/spool')).json()) as { id: string; state: string; reason: string }[];
    expect(held).toMatchObject({ state: 'held', reason: 'RATE_LIMIT_NEW_TICKETS' });
    expect(await (await api('/api/spool/release', { method: 'POST', body: JSON.stringify({ id: held!.id }) })).json()).toEqual({ released: held!.id });
    await harness.settle();
    expect((await listSpool(harness.gateway.db, { state: 'filed' })).map((entry) => entry.id)).toContain(held!.id);
    expect((await api('/api/spool/release', { method: 'POST', body: JSON.stringify({ id: held!.id }) })).status).toBe(404);
    expect(await (await api('/api/spool/retry', { method: 'POST', body: JSON.stringify({ all: true }) })).json()).toEqual([]);
    expect((await api('/api/spool/retry', { method: 'POST', body: JSON.stringify({}) })).status).toBe(422);
  });

  it('shows the oldest 200 of a flood of held messages, and says how many there are', async () => {
    const rows = Array.from({ length: 205 }, (_, index) => ({ id: `held-${String(index).padStart(3, '0')}`, state: 'held' as const, received_at: new Date(Date.UTC(2026, 11, 1, 9, 0, index)).toISOString(), remote_address: null, helo: null, mail_from: 'flood@customer.test', rcpt_to: '["support@example.org"]', size: 10, raw_path: '', reason: 'RATE_LIMIT_NEW_TICKETS', detail: null, ticket_id: null, not_before: null, processed_at: null }));
    await harness.gateway.db.insertInto('spool').values(rows).execute();
    const page = await (await api('/spool')).text();
    expect(page.match(/value="release">Release</g)).toHaveLength(200);
    expect(page).toContain('held-199');
    expect(page).not.toContain('held-200');
    expect(page).toContain('205 message(s) waiting, the oldest 200 shown (all of them: guichet spool list).');
    expect(((await (await api('/api/spool')).json()) as unknown[]).length).toBe(205);
  });
});

describe('outbox', () => {
  it('lists failed mail in the outbox API and sends it again on retry once the relay is fixed', async () => {
    harness.sink.setReply(550);
    await harness.send({ from: 'a@customer.test', subject: 'Refused', text: 'x' });
    await waitUntil(async () => ((await (await api('/api/outbox?state=failed')).json()) as unknown[]).length === 1, 5000, 'the mail to fail');
    expect(await (await api('/api/outbox?state=failed')).json()).toMatchObject([{ id: 1, ticketId: 1, state: 'failed', lastError: expect.stringMatching(/^550/) }]);
    expect((await api('/api/outbox?state=lost')).status).toBe(422);
    harness.sink.setReply(null);
    const retried = await api('/api/outbox/retry', { method: 'POST', body: JSON.stringify({ ids: [1] }) });
    expect(await retried.json()).toMatchObject([{ id: 1, event: 'ack-new-ticket' }]);
    expect((await harness.sink.waitForMails(1, 5000))[0]?.parsed.subject).toBe('[#1] Refused');
    expect((await api('/api/outbox/retry', { method: 'POST', body: JSON.stringify({ ids: [1] }) })).status).toBe(404);
  });
});

