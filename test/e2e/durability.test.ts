/**
 * Nothing answered 250 is lost: the gateway is killed with SIGKILL right after accepting N
 * messages (most not yet filed), restarted, and every message ends up as exactly one ticket
 * message with exactly one acknowledgement queued and written.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-database.js';
import { createTestStore, waitUntilDrained, type TestStore } from '../support/test-store.js';
import { startTestGateway } from '../support/test-gateway.js';
import { sendByDialog } from '../support/smtp-dialog.js';
import { startGatewayProcess, writeConfig, type GatewayProcess } from '../support/gateway-process.js';

let dir: string;
let running: GatewayProcess | undefined;
let store: TestStore | undefined;
afterEach(async () => {
  await running?.kill();
  await store?.drop();
  rmSync(dir, { recursive: true, force: true });
});

it('keeps every accepted message across kill -9 and files each exactly once', async () => {
  dir = mkdtempSync(join(tmpdir(), 'guichet-kill-'));
  store = await createTestStore();
  // On PostgreSQL the restarted gateway takes back the claims of the killed one by its name.
  const configFile = writeConfig(dir, { dataDir: 'data', store: { ...store.config, gatewayName: 'kill-test' }, smtp: { port: 0 }, logLevel: 'info', secret: 'kill-test-secret-0123456789' });
  const openData = () => openStore({ dataDir: join(dir, 'data'), store: { poolSize: 2, ...store!.config } });
  running = await startGatewayProcess(configFile);
  const total = 40;
  const accepted: string[] = [];
  // Four concurrent senders, as several MTAs would deliver at once.
  await Promise.all(
    [0, 1, 2, 3].map(async (lane) => {
      for (let index = lane; index < total; index += 4) {
        // Every eighth message is past the in-row size, so it goes to a spool file of its own.
        const text = index % 8 === 0 ? 'A pasted log line.\r\n'.repeat(16_000) : `Body ${index}\r\n`;
        const body = `From: customer${index}@example.net\r\nSubject: Question ${index}\r\nMessage-ID: <q${index}@example.net>\r\n\r\n${text}`;
        const replies = await sendByDialog(running!.port, `customer${index}@example.net`, ['support@example.org'], body);
        if (replies.data?.code === 250) accepted.push(`q${index}`);
      }
    }),
  );
  await running.kill('SIGKILL');
  expect(accepted).toHaveLength(total);
  // Before any restart: each 250 already stands for a committed spool row with its raw bytes,
  // in the row (small messages) or in its spool file.
  const afterKill = await openData();
  const rows = await afterKill.selectFrom('spool').leftJoin('spool_raw', 'spool_raw.spool_id', 'spool.id').select(['id', 'state', 'raw', 'raw_path']).execute();
  await afterKill.destroy();
  expect(rows).toHaveLength(total);
  for (const row of rows) {
    if (row.raw) expect(row.raw.toString('latin1')).toContain(`Subject: Question`);
    else expect(readFileSync(join(dir, 'data', row.raw_path)).toString('latin1').match(/A pasted log line\.\r\n/g)).toHaveLength(16_000);
  }
  expect(rows.filter((row) => !row.raw)).toHaveLength(total / 8);

  running = await startGatewayProcess(configFile);
  const db = await openData();
  try {
    await waitUntilDrained(db, 15_000, 'the restarted gateway to file and send everything');
    const spool = await db.selectFrom('spool').select(['state']).execute();
    expect(spool.filter((row) => row.state === 'filed')).toHaveLength(total);
    const inbound = await db.selectFrom('messages').select(['message_id']).where('direction', '=', 'in').execute();
    expect(new Set(inbound.map((row) => row.message_id)).size).toBe(total);
    expect(inbound).toHaveLength(total);
    expect(await db.selectFrom('tickets').select('id').execute()).toHaveLength(total);
    const outbox = await db.selectFrom('outbox').select(['ticket_id', 'state']).execute();
    expect(outbox).toHaveLength(total);
    expect(new Set(outbox.map((row) => row.ticket_id)).size).toBe(total);
    const files = readdirSync(join(dir, 'data', 'outbox')).filter((name) => name.endsWith('.eml'));
    expect(files).toHaveLength(total);
  } finally {
    await db.destroy();
  }
});

it('keeps a small message in its spool row and a large one in a spool file, and files both', async () => {
  store = undefined;
  dir = mkdtempSync(join(tmpdir(), 'guichet-inline-'));
  const harness = await startTestGateway();
  try {
    const small = `From: small@example.net\r\nSubject: Small\r\nMessage-ID: <small@example.net>\r\n\r\nShort question.\r\n`;
    const large = `From: large@example.net\r\nSubject: Large\r\nMessage-ID: <large@example.net>\r\n\r\n${'Line of a long log pasted into the message.\r\n'.repeat(14_000)}`;
    for (const [sender, body] of [['small@example.net', small], ['large@example.net', large]] as const) {
      expect((await sendByDialog(harness.port, sender, ['support@example.org'], body)).data?.code).toBe(250);
    }
    await harness.settle();
    const rows = await harness.gateway.db.selectFrom('spool').leftJoin('spool_raw', 'spool_raw.spool_id', 'spool.id').select(['id', 'state', 'raw', 'raw_path', 'mail_from']).orderBy('received_at').execute();
    const [inRow, inFile] = [rows.find((row) => row.mail_from === 'small@example.net')!, rows.find((row) => row.mail_from === 'large@example.net')!];
    expect(inRow).toMatchObject({ state: 'filed', raw_path: '' });
    expect(inRow.raw?.toString('latin1')).toMatch(/^Received: .*\r\n[\s\S]*Short question\.\r\n$/);
    expect(readdirSync(join(harness.dataDir, 'spool'))).toEqual([`${inFile.id}.eml`]);
    expect(inFile).toMatchObject({ state: 'filed', raw: null, raw_path: `spool/${inFile.id}.eml` });
    // Written in several batches: byte for byte what was sent, behind the trace header.
    const onDisk = readFileSync(join(harness.dataDir, inFile.raw_path)).toString('latin1');
    expect(onDisk.replace(/^Received: [^\r]*\r\n\t[^\r]*\r\n/, '')).toBe(large);
    const texts = await harness.gateway.db.selectFrom('messages').select(['from_address', 'text']).where('direction', '=', 'in').execute();
    expect(texts.find((row) => row.from_address === 'small@example.net')?.text.trim()).toBe('Short question.');
    expect(texts.find((row) => row.from_address === 'large@example.net')?.text.length).toBeGreaterThan(300_000);
  } finally {
    await harness.stop();
  }
});

it('keeps the text of a message in its ticket and its HTML only once, in the raw message', async () => {
  store = undefined;
  dir = mkdtempSync(join(tmpdir(), 'guichet-html-once-'));
  const harness = await startTestGateway();
  try {
    await harness.send({ from: 'chloe@customer.test', subject: 'Export', text: 'Export des dons vide.', html: '<p>Export des dons <b>vide</b>.</p>' });
    await harness.settle();
    const [message] = await harness.gateway.db.selectFrom('messages').select(['text', 'html', 'spool_id']).where('direction', '=', 'in').execute();
    expect(message).toMatchObject({ text: expect.stringContaining('Export des dons vide.'), html: null });
    const raw = await harness.gateway.db.selectFrom('spool_raw').select('raw').where('spool_id', '=', message!.spool_id!).executeTakeFirstOrThrow();
    expect(raw.raw.toString('latin1')).toContain('<p>Export des dons <b>vide</b>.</p>');
  } finally {
    await harness.stop();
  }
});

