/**
 * Ingest benchmark. Each server under test runs in its own process on loopback; the load comes
 * from this process over C concurrent SMTP sessions, each reusing its connection as an MTA
 * would. Message mix: 2 KB text, 50 KB HTML multipart every other message, and 1 in 50 with a
 * 5 MB attachment. Targets:
 *   guichet    the real `guichet serve` (durable accept, then parse, thread, store, outbox)
 *   discard    the same SMTP library throwing messages away: the ceiling of the listener
 *   smtp-sink  Postfix's smtp-sink, when installed (apt-get install postfix): the protocol ceiling
 * Reported per target and concurrency: messages/s accepted (last 250), messages/s filed (guichet:
 * last message filed), p50/p99 time from end of DATA to 250, server CPU seconds per message and
 * peak RSS of the server process (from /proc). A script, not a test: figures depend on the machine.
 *
 *   npm run bench -- --messages 2000 --concurrency 1,10,50 --targets guichet,discard,smtp-sink [--mix off] [--profile DIR]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/store/open-database.js';
import { startGatewayProcess, writeConfig } from '../test/support/gateway-process.js';
import { SmtpDialog } from '../test/support/smtp-dialog.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '1,10,50' },
    targets: { type: 'string', default: 'guichet,discard,smtp-sink' },
    mix: { type: 'string', default: 'on' },
    /** Writes a V8 CPU profile of each guichet run into this directory (open it in Chrome's DevTools). */
    profile: { type: 'string' },
  },
});
const total = Number(values.messages);
const mixed = values.mix !== 'off';
const TICKS = 100; // USER_HZ on Linux

const attachment = Buffer.alloc(5 * 1024 * 1024, 7).toString('base64').replace(/.{76}/g, '$&\r\n');
const htmlBody = `<html><body>${'<p>Bonjour, voici le détail de notre demande concernant la campagne de dons et son export comptable.</p>\n'.repeat(500)}</body></html>`;
function message(index: number): string {
  const head = `From: Customer ${index} <c${index}@bench.test>\r\nTo: support@example.org\r\nSubject: Question ${index}\r\nMessage-ID: <b${index}-${Date.now()}@bench.test>\r\nMIME-Version: 1.0\r\n`;
  const text = `Hello,\r\n\r\n${'I have a question about my account and the export of donations. '.repeat(28)}\r\n\r\nRegards\r\n`;
  if (mixed && index % 50 === 0) {
    return `${head}Content-Type: multipart/mixed; boundary="m"\r\n\r\n--m\r\nContent-Type: text/plain\r\n\r\n${text}\r\n--m\r\nContent-Type: application/pdf; name="scan.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n${attachment}\r\n--m--\r\n`;
  }
  if (mixed && index % 2 === 1) {
    return `${head}Content-Type: multipart/alternative; boundary="a"\r\n\r\n--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n--a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${htmlBody}\r\n--a--\r\n`;
  }
  return `${head}Content-Type: text/plain; charset=utf-8\r\n\r\n${text}`;
}

interface Server {
  port: number;
  pid: number;
  stop(): Promise<void>;
  waitFiled?: () => Promise<number>;
}

function procStats(pid: number): { cpuSeconds: number; peakRssMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuSeconds: (Number(stat[11]) + Number(stat[12])) / TICKS, peakRssMb: Math.round(hwm / 1024) };
}

async function waitForLine(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} from the server`)), 20_000);
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        const match = pattern.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match);
        }
      });
    }
  });
}

async function startTarget(target: string): Promise<Server> {
  if (target === 'guichet') {
    const dir = mkdtempSync(join(tmpdir(), 'guichet-bench-'));
    const gateway = await startGatewayProcess(writeConfig(dir, { dataDir: 'data', smtp: { port: 0, maxClients: 500 }, logLevel: 'warn', secret: 'bench-secret-0123456789' }), values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : []);
    return {
      port: gateway.port,
      pid: gateway.child.pid!,
      async waitFiled() {
        const db = await openDatabase(join(dir, 'data'));
        for (;;) {
          const row = await db.selectFrom('spool').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'pending').executeTakeFirstOrThrow();
          if (Number(row.n) === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        const filed = await db.selectFrom('spool').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'filed').executeTakeFirstOrThrow();
        await db.destroy();
        return Number(filed.n);
      },
      async stop() {
        await gateway.kill('SIGTERM');
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (target === 'discard') {
    const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'bin', 'run-ts.mjs'), join(import.meta.dirname, 'discard-listener.ts')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const port = Number((await waitForLine(child, /^listening (\d+)/))[1]);
    return { port, pid: child.pid!, stop: async () => void child.kill('SIGTERM') };
  }
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn('/usr/sbin/smtp-sink', ['-c', '-u', 'nobody', `127.0.0.1:${port}`, '1000'], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 500));
  return { port, pid: child.pid!, stop: async () => void child.kill('SIGTERM') };
}

async function runLane(port: number, indexes: number[], latencies: number[]): Promise<void> {
  const { dialog } = await SmtpDialog.open(port);
  await dialog.command('EHLO bench.test');
  for (const index of indexes) {
    await dialog.command(`MAIL FROM:<c${index}@bench.test>`);
    await dialog.command('RCPT TO:<support@example.org>');
    const start = performance.now();
    const reply = await dialog.data(message(index));
    latencies.push(performance.now() - start);
    if (reply.code !== 250) throw new Error(`message ${index}: ${reply.text}`);
  }
  dialog.close();
}

async function benchOnce(target: string, concurrency: number) {
  const server = await startTarget(target);
  const before = procStats(server.pid);
  const latencies: number[] = [];
  const start = performance.now();
  const lanes = Array.from({ length: concurrency }, (_, lane) => Array.from({ length: total }, (_, index) => index).filter((index) => index % concurrency === lane));
  await Promise.all(lanes.map((indexes) => runLane(server.port, indexes, latencies)));
  const acceptedMs = performance.now() - start;
  const filed = server.waitFiled ? await server.waitFiled() : null;
  const filedMs = performance.now() - start;
  const after = procStats(server.pid);
  await server.stop();
  latencies.sort((a, b) => a - b);
  const at = (p: number) => Number((latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN).toFixed(2));
  return {
    target,
    sessions: concurrency,
    messages: total,
    acceptedPerSecond: Math.round((total / acceptedMs) * 1000),
    filedPerSecond: filed === null ? null : Math.round((filed / filedMs) * 1000),
    p50Ms: at(50),
    p99Ms: at(99),
    serverCpuMsPerMessage: Number((((after.cpuSeconds - before.cpuSeconds) * 1000) / total).toFixed(2)),
    serverPeakRssMb: after.peakRssMb,
  };
}

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, mix ${mixed ? 'on' : 'off'}`);
const results = [];
for (const target of values.targets.split(',')) {
  if (target === 'smtp-sink' && !existsSync('/usr/sbin/smtp-sink')) {
    console.log('smtp-sink: not installed (apt-get install postfix), skipped');
    continue;
  }
  for (const concurrency of values.concurrency.split(',').map(Number)) {
    const result = await benchOnce(target, concurrency);
    results.push(result);
    console.log(JSON.stringify(result));
  }
}
console.table(results);
for (const concurrency of values.concurrency.split(',').map(Number)) {
  const guichet = results.find((row) => row.target === 'guichet' && row.sessions === concurrency);
  const discard = results.find((row) => row.target === 'discard' && row.sessions === concurrency);
  if (guichet && discard) console.log(`${concurrency} sessions: durable accept reaches ${Math.round((100 * guichet.acceptedPerSecond) / discard.acceptedPerSecond)} % of the discard-only listener`);
}
