/**
 * Scale-out: two `guichet serve` processes sharing one PostgreSQL database and one data
 * directory, as two MX targets of the same domain would. Mail arrives at both; each message is
 * filed exactly once, each acknowledgement sent exactly once, ticket numbers unique, and both
 * gateways share the work. Runs only when the suite runs against PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import type { Database } from '../../src/store/database-schema.js';
import { openStore } from '../../src/store/open-database.js';
import { startGatewayProcess, writeConfig, type GatewayProcess } from '../support/gateway-process.js';
import { sendByDialog } from '../support/smtp-dialog.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { createTestStore, testPostgresUrl, waitUntilDrained, type TestStore } from '../support/test-store.js';

let dir: string;
let store: TestStore;
let sink: SmtpSink;
let db: Kysely<Database>;
const gateways: GatewayProcess[] = [];

afterEach(async () => {
  for (const gateway of gateways.splice(0)) await gateway.kill();
  await db?.destroy();
  await sink?.close();
  await store?.drop();
  rmSync(dir, { recursive: true, force: true });
});

it.runIf(testPostgresUrl)('files each message once and sends each acknowledgement once with two gateways on one database', async () => {
  dir = mkdtempSync(join(tmpdir(), 'guichet-scale-'));
  store = await createTestStore();
  sink = await startSmtpSink();
  const config = (name: string) => ({
    dataDir: join(dir, 'shared-data'),
    store: { ...store.config, gatewayName: name },
    smtp: { port: 0 },
    outbound: { smtp: { host: '127.0.0.1', port: sink.port } },
    logLevel: 'warn',
    secret: 'scale-out-secret-0123456789',
  });
  gateways.push(await startGatewayProcess(writeConfig(mkdtempSync(join(dir, 'a-')), config('mx1'))));
  gateways.push(await startGatewayProcess(writeConfig(mkdtempSync(join(dir, 'b-')), config('mx2'))));

  const total = 60;
  // Four senders at once, alternating between the two MX targets.
  await Promise.all(
    [0, 1, 2, 3].map(async (lane) => {
      for (let index = lane; index < total; index += 4) {
        const body = `From: customer${index}@example.net\r\nSubject: Question ${index}\r\nMessage-ID: <scale${index}@example.net>\r\n\r\nHello, question number ${index}.\r\n`;
        const replies = await sendByDialog(gateways[index % 2]!.port, `customer${index}@example.net`, ['support@example.org'], body);
        expect(replies.data?.code).toBe(250);
      }
    }),
  );

  db = await openStore({ dataDir: join(dir, 'shared-data'), store: { poolSize: 2, ...store.config } });
  await waitUntilDrained(db, 20_000, 'both gateways to file and send everything');
  const spool = await db.selectFrom('spool').select(['state', 'claimed_by']).execute();
  expect(spool).toHaveLength(total);
  expect(spool.every((row) => row.state === 'filed')).toBe(true);
  // Both gateways did part of the filing (entries are claimed by whichever polls first).
  expect(new Set(spool.map((row) => row.claimed_by))).toEqual(new Set(['mx1', 'mx2']));

  const tickets = await db.selectFrom('tickets').select(['id', 'requester']).execute();
  expect(tickets).toHaveLength(total);
  expect(new Set(tickets.map((ticket) => ticket.id)).size).toBe(total);
  const messages = await db.selectFrom('messages').select(['message_id']).where('direction', '=', 'in').execute();
  expect(messages.map((row) => row.message_id).sort()).toEqual(Array.from({ length: total }, (_, index) => `<scale${index}@example.net>`).sort());

  const acks = await db.selectFrom('outbox').select(['recipient', 'state']).where('event', '=', 'ack-new-ticket').execute();
  expect(acks).toHaveLength(total);
  expect(acks.every((ack) => ack.state === 'sent')).toBe(true);
  await sink.waitForMails(total, 5000);
  await new Promise((resolve) => setTimeout(resolve, 300)); // a duplicate would arrive now
  const caught = sink.mails.map((mail) => mail.envelopeTo[0]).sort();
  expect(caught).toEqual(Array.from({ length: total }, (_, index) => `customer${index}@example.net`).sort());
});
