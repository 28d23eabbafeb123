/**
 * Ingest benchmark: runs the real `guichet serve` in its own process on a temporary data
 * directory, sends N messages over C concurrent SMTP sessions from this process, and reports
 * messages/s accepted (250 received) and filed (ticket + acknowledgement queued), and the
 * p50/p99 time from the end of DATA to the 250. A script, not a test: figures depend on the machine.
 *
 *   npm run bench -- --messages 2000 --concurrency 1,10,50
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/store/open-database.js';
import { SmtpDialog } from '../test/support/smtp-dialog.js';
import { startGatewayProcess, writeConfig } from '../test/support/gateway-process.js';

const { values } = parseArgs({
  options: { messages: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '1,10,50' } },
});
const total = Number(values.messages);
const levels = values.concurrency.split(',').map(Number);

function message(index: number): string {
  const body = `Hello,\r\n\r\n${'I have a question about my account and the export of donations. '.repeat(24)}\r\n\r\nRegards,\r\nCustomer ${index}\r\n`;
  return `From: Customer ${index} <customer${index}@bench.test>\r\nTo: support@example.org\r\nSubject: Question number ${index}\r\nMessage-ID: <bench-${index}-${Date.now()}@bench.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function runLane(port: number, indexes: number[], latencies: number[]): Promise<void> {
  const { dialog } = await SmtpDialog.open(port);
  await dialog.command('EHLO bench.test');
  for (const index of indexes) {
    await dialog.command(`MAIL FROM:<customer${index}@bench.test>`);
    await dialog.command('RCPT TO:<support@example.org>');
    const start = performance.now();
    const reply = await dialog.data(message(index));
    latencies.push(performance.now() - start);
    if (reply.code !== 250) throw new Error(`message ${index}: ${reply.text}`);
  }
  dialog.close();
}

async function benchOnce(concurrency: number) {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-bench-'));
  const gateway = await startGatewayProcess(writeConfig(dir, { dataDir: 'data', smtp: { port: 0, maxClients: 200 }, logLevel: 'warn' }));
  const latencies: number[] = [];
  const start = performance.now();
  const lanes = Array.from({ length: concurrency }, (_, lane) => Array.from({ length: total }, (_, index) => index).filter((index) => index % concurrency === lane));
  await Promise.all(lanes.map((indexes) => runLane(gateway.port, indexes, latencies)));
  const acceptedMs = performance.now() - start;
  const db = await openDatabase(join(dir, 'data'));
  for (;;) {
    const row = await db.selectFrom('spool').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'pending').executeTakeFirstOrThrow();
    if (Number(row.n) === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const filedMs = performance.now() - start;
  const tickets = await db.selectFrom('tickets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  await db.destroy();
  await gateway.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return {
    concurrency,
    messages: total,
    tickets: Number(tickets.n),
    acceptedPerSecond: Math.round((total / acceptedMs) * 1000),
    filedPerSecond: Math.round((total / filedMs) * 1000),
    p50Ms: Number(percentile(latencies, 50).toFixed(2)),
    p99Ms: Number(percentile(latencies, 99).toFixed(2)),
  };
}

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}`);
const results = [];
for (const concurrency of levels) {
  const result = await benchOnce(concurrency);
  results.push(result);
  console.log(JSON.stringify(result));
}
console.table(results);
