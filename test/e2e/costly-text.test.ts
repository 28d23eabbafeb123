/**
 * Bodies shaped to make text extraction slow: the reply parser's regular expressions backtrack
 * on long lines and on many lines that start like a quote header, and HTML that mailparser could
 * not turn into text (too long, too deeply nested) used to reach a second conversion without its
 * limits. Filing runs on the event loop, so a message that takes a minute to file stops every
 * SMTP session for that minute. The gateway runs as its own process here, so that a regression
 * fails these tests by their deadlines instead of stalling the test runner with it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/database-schema.js';
import { openDatabase } from '../../src/store/open-database.js';
import { ticketDetail } from '../../src/tickets/ticket-view.js';
import { startGatewayProcess, writeConfig, type GatewayProcess } from '../support/gateway-process.js';
import { sendByDialog } from '../support/smtp-dialog.js';
import { waitUntil } from '../support/smtp-sink.js';

let dir: string;
let gateway: GatewayProcess;
let db: Kysely<Database>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'guichet-costly-'));
  gateway = await startGatewayProcess(writeConfig(dir, { dataDir: 'data', smtp: { port: 0 }, logLevel: 'warn', secret: 'costly-text-secret-0123456' }));
  db = await openDatabase(join(dir, 'data'));
});

afterAll(async () => {
  await db?.destroy();
  await gateway?.kill(); // SIGKILL: a gateway stuck in a regression would never finish a graceful stop
  rmSync(dir, { recursive: true, force: true });
});

const send = (from: string, headers: string, body: string) =>
  sendByDialog(gateway.port, from, ['support@example.org'], Buffer.from(`From: ${from}\r\nSubject: ${from}\r\n${headers}\r\n${body}`));

/**
 * Sends the costly message, then an ordinary one at once: the ordinary one's 250 must not wait
 * for the costly one's filing, and both must be filed within seconds. Returns the costly one's
 * stored message.
 */
async function fileAlongsideAnother(name: string, headers: string, body: string) {
  const costly = `${name}@customer.test`;
  expect((await send(costly, headers, body)).data?.code).toBe(250);
  const started = performance.now();
  expect((await send(`after-${costly}`, '', 'ok\r\n')).data?.code).toBe(250);
  expect(performance.now() - started).toBeLessThan(5_000);
  const filedTicket = async (from: string) => (await db.selectFrom('spool').select(['state', 'ticket_id']).where('mail_from', '=', from).executeTakeFirst()) ?? null;
  await waitUntil(async () => (await filedTicket(costly))?.state === 'filed' && (await filedTicket(`after-${costly}`))?.state === 'filed', 15_000, `${name} and the mail after it filed`);
  return (await ticketDetail(db, (await filedTicket(costly))!.ticket_id!))!.messages[0]!;
}

describe('text that is costly to extract', () => {
  it('files a body of one 400 KB line that starts like "On … wrote:"', async () => {
    const line = `On ${'x '.repeat(200_000)}`;
    const message = await fileAlongsideAnother('long-line', 'Content-Type: text/plain\r\n', `${line}\r\n`);
    expect(message.newText?.length).toBeGreaterThanOrEqual(line.trim().length);
  }, 60_000);

  it('files 2 MB of lines that start like a Dutch quote header', async () => {
    const body = 'Op dinsdag heb ik een vraag over mijn rekening\r\n'.repeat(40_000);
    const message = await fileAlongsideAnother('dutch-lines', 'Content-Type: text/plain\r\n', body);
    expect(message.newText).toContain('Op dinsdag heb ik een vraag');
  }, 60_000);

  it('files HTML nested too deeply to convert, flagged, with its words', async () => {
    const html = `${'<div>'.repeat(5000)}Bonjour, mon reçu fiscal manque${'</div>'.repeat(5000)}`;
    const message = await fileAlongsideAnother('deep-html', 'Content-Type: text/html; charset=utf-8\r\n', `${html}\r\n`);
    expect(message.flags).toContain('html_not_converted');
    expect(message.text).toContain('Bonjour, mon reçu fiscal manque');
    expect(message.newText).toContain('Bonjour, mon reçu fiscal manque');
  }, 60_000);

  it('files HTML too long to convert, made of unclosed tags, flagged', async () => {
    const html = `<p>Bonjour, mon reçu fiscal manque</p>${'<div '.repeat(500_000)}`;
    const message = await fileAlongsideAnother('unclosed-tags', 'Content-Type: text/html; charset=utf-8\r\n', `${html.replace(/(.{900})/g, '$1\r\n')}\r\n`);
    expect(message.flags).toContain('html_not_converted');
    expect(message.newText).toContain('Bonjour, mon reçu fiscal manque');
  }, 60_000);
});
