/**
 * Fault script: sends N messages over C sessions to a real `guichet serve` while killing it with
 * SIGKILL every few seconds and restarting it. The client behaves like an MTA: on a 4xx reply or
 * a lost connection it retries the same message later. At the end, every message that got a 250
 * must be exactly one ticket message, and every ticket exactly one queued acknowledgement.
 * Bounded: stops after the last message or after --max-seconds. Loopback only.
 *
 *   npm run fault:kill -- --messages 5000 --concurrency 10 --kill-every 3
 *   GUICHET_TEST_POSTGRES=postgres://postgres@127.0.0.1:55432/postgres npm run fault:kill   (the same on PostgreSQL)
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../src/store/open-database.js';
import { startGatewayProcess, writeConfig, type GatewayProcess } from '../test/support/gateway-process.js';
import { SmtpDialog } from '../test/support/smtp-dialog.js';
import { createTestStore, waitUntilDrained } from '../test/support/test-store.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '10' },
    'kill-every': { type: 'string', default: '3' },
    'max-seconds': { type: 'string', default: '900' },
  },
});
const total = Number(values.messages);
const dir = mkdtempSync(join(tmpdir(), 'guichet-kill-loop-'));
const store = await createTestStore();
// A fixed gateway name: on PostgreSQL the restarted gateway takes back the killed one's claims.
const configFile = writeConfig(dir, { dataDir: 'data', store: { ...store.config, gatewayName: 'kill-loop' }, smtp: { port: 0, maxClients: 500 }, logLevel: 'warn', secret: 'kill-loop-secret-0123456789' });
let gateway: GatewayProcess = await startGatewayProcess(configFile);
const acknowledged = new Set<number>();
let next = 0;
let kills = 0;
let retries = 0;
const deadline = Date.now() + Number(values['max-seconds']) * 1000;

async function sendOne(index: number): Promise<boolean> {
  const body = `From: c${index}@kill.test\r\nSubject: Message ${index}\r\nMessage-ID: <k${index}@kill.test>\r\n\r\nBody ${index}\r\n`;
  try {
    const { dialog, greeting } = await SmtpDialog.open(gateway.port);
    if (greeting.code !== 220) return false;
    await dialog.command('EHLO kill.test');
    await dialog.command(`MAIL FROM:<c${index}@kill.test>`);
    await dialog.command('RCPT TO:<support@example.org>');
    const reply = await Promise.race([dialog.data(body), new Promise<{ code: number }>((resolve) => setTimeout(() => resolve({ code: 0 }), 10_000))]);
    dialog.close();
    return reply.code === 250;
  } catch {
    return false;
  }
}

async function lane(): Promise<void> {
  while (next < total && Date.now() < deadline) {
    const index = next++;
    while (!(await sendOne(index))) {
      retries++;
      if (Date.now() > deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    acknowledged.add(index);
  }
}

// One restart at a time: two gateways on one data directory is outside the design (see README).
let restarting = false;
const killer = setInterval(() => {
  if (restarting) return;
  restarting = true;
  void (async () => {
    await gateway.kill('SIGKILL');
    kills++;
    gateway = await startGatewayProcess(configFile);
    restarting = false;
  })().catch((error: unknown) => {
    console.error('restart failed', error);
    process.exit(2);
  });
}, Number(values['kill-every']) * 1000);
const started = Date.now();
await Promise.all(Array.from({ length: Number(values.concurrency) }, () => lane()));
clearInterval(killer);
while (restarting) await new Promise((resolve) => setTimeout(resolve, 50));
await gateway.kill('SIGKILL');
gateway = await startGatewayProcess(configFile);
const db = await openStore({ dataDir: join(dir, 'data'), store: { poolSize: 2, ...store.config } });
await waitUntilDrained(db, Number(values['max-seconds']) * 1000, 'every accepted message filed and acknowledged');
const inbound = await db.selectFrom('messages').select('message_id').where('direction', '=', 'in').execute();
const ids = inbound.map((row) => Number(/<k(\d+)@/.exec(row.message_id ?? '')?.[1]));
const outbox = await db.selectFrom('outbox').select(['ticket_id']).execute();
const files = readdirSync(join(dir, 'data', 'outbox')).filter((name) => name.endsWith('.eml')).length;
const missing = [...acknowledged].filter((index) => !ids.includes(index));
const duplicates = ids.length - new Set(ids).size;
const report = {
  store: store.config.dialect,
  messages: total,
  acknowledged: acknowledged.size,
  kills,
  clientRetries: retries,
  seconds: Math.round((Date.now() - started) / 1000),
  ticketMessages: ids.length,
  missing: missing.length,
  duplicateTicketMessages: duplicates,
  acknowledgementsQueued: outbox.length,
  acknowledgementFiles: files,
  distinctTicketsAcknowledged: new Set(outbox.map((row) => row.ticket_id)).size,
};
console.log(JSON.stringify(report, null, 2));
await db.destroy();
await gateway.kill('SIGTERM');
await store.drop();
rmSync(dir, { recursive: true, force: true });
const ok = missing.length === 0 && duplicates === 0 && outbox.length === ids.length && files === outbox.length;
console.log(ok ? 'kill loop: every acknowledged message filed exactly once, acknowledged exactly once' : 'kill loop: FAILED');
process.exitCode = ok ? 0 : 1;
