/**
 * Memory under large mail: sends ten 25 MB messages at once to a real `guichet serve` and
 * reports the server's peak RSS (VmHWM) once all are filed. Attachments are streamed through
 * the spool, parser and content store, so memory should not grow with message size.
 *
 *   npm run bench:big -- [--count 10] [--megabytes 25]   (builds, then runs the compiled gateway as npm start does)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/store/open-database.js';
import { startGatewayProcess, writeConfig } from '../test/support/gateway-process.js';
import { SmtpDialog } from '../test/support/smtp-dialog.js';
import { procStats } from './proc-stats.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '10' }, megabytes: { type: 'string', default: '25' }, built: { type: 'boolean', default: false } } });
const count = Number(values.count);
const bytes = Number(values.megabytes) * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'guichet-big-'));
const gateway = await startGatewayProcess(writeConfig(dir, { dataDir: 'data', smtp: { port: 0, maxMessageBytes: 64 * 1024 * 1024 }, logLevel: 'warn', secret: 'big-secret-0123456789abc' }), [], { built: values.built });
const rss = () => procStats(gateway.child.pid!).peakRssMb;
const idle = rss();
const line = Buffer.alloc(57, 65).toString('base64'); // 76 characters
const chunk = `${line}\r\n`.repeat(Math.ceil(((bytes / 57) * 57) / 57 / 100));

async function sendBig(index: number): Promise<number> {
  const { dialog } = await SmtpDialog.open(gateway.port);
  await dialog.command('EHLO big.test');
  await dialog.command(`MAIL FROM:<big${index}@big.test>`);
  await dialog.command('RCPT TO:<support@example.org>');
  await dialog.command('DATA');
  dialog.write(`From: big${index}@big.test\r\nSubject: big ${index}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n--b\r\nContent-Type: application/octet-stream; name="dump.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n`);
  for (let written = 0; written < (bytes * 4) / 3; written += chunk.length * 100) {
    for (let part = 0; part < 100; part++) {
      if (!dialog.write(chunk)) await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
  dialog.write('\r\n--b--\r\n.\r\n');
  const reply = await dialog.next();
  dialog.close();
  return reply.code;
}

const started = performance.now();
const codes = await Promise.all(Array.from({ length: count }, (_, index) => sendBig(index)));
const afterReceiving = rss();
const db = await openDatabase(join(dir, 'data'));
for (;;) {
  const row = await db.selectFrom('spool').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'pending').executeTakeFirstOrThrow();
  if (Number(row.n) === 0) break;
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const filed = await db.selectFrom('spool').select('state').execute();
await db.destroy();
console.log(JSON.stringify({ gateway: values.built ? 'compiled (dist/)' : 'TypeScript sources (tsx)', messages: count, megabytesEach: Number(values.megabytes), replies: codes, filed: filed.filter((row) => row.state === 'filed').length, seconds: Math.round((performance.now() - started) / 1000), idleRssMb: idle, peakRssWhileReceivingMb: afterReceiving, peakRssMb: rss() }));
await gateway.kill('SIGTERM');
rmSync(dir, { recursive: true, force: true });
