/**
 * Ingest benchmark. Each server under test runs in its own process on loopback; the load comes
 * from this process over C concurrent SMTP sessions, each reusing its connection as an MTA
 * would. Message mix: 2 KB text, 50 KB HTML multipart every other message, and 1 in 50 with a
 * 5 MB attachment. Targets:
 *   guichet    the real `guichet serve` (durable accept, then parse, thread, store, outbox)
 *   discard    the same SMTP library throwing messages away: the ceiling of the listener
 *   smtp-sink  Postfix's smtp-sink, when installed (apt-get install postfix): the protocol ceiling
 *   request-tracker  Request Tracker 5 on SQLite (bench/setup-request-tracker.sh), fed by
 *              rt-mailgate as an MTA pipes to it; --rt-messages of the same mix (it is slow)
 * Reported per target and concurrency: messages/s accepted (last 250, or last rt-mailgate exit),
 * messages/s filed (last message filed), p50/p99 time from end of DATA to 250 (rt-mailgate's
 * whole run for RT), server CPU ms per message and peak RSS of the server (from /proc; summed over
 * RT's process group). With --repeat N every combination runs N times, interleaved, and the
 * table shows medians. A script, not a test: figures depend on the machine.
 * --client smtp-source takes the load off Node: Postfix's smtp-source sends --message (one kind
 * of the mix, the same file every time) over C sessions, one connection per message as it does;
 * no per-message latencies then.
 *
 *   npm run bench -- --messages 2000 --concurrency 1,10,50 --targets guichet,discard,smtp-sink,request-tracker
 *                    [--rt-messages 100] [--repeat 3] [--mix off] [--profile DIR]
 *                    [--client smtp-source --message text|html|attachment]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/store/open-database.js';
import { startGatewayProcess, writeConfig } from '../test/support/gateway-process.js';
import { SmtpDialog } from '../test/support/smtp-dialog.js';
import { benchMessage, benchMessageOfKind, type MessageKind } from './message-mix.js';
import { median, procStats } from './proc-stats.js';
import { awaitQuietFileSystem, scratchDir } from './scratch-dir.js';
import { requestTrackerInstalled, startRequestTracker } from './request-tracker-target.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '1,10,50' },
    targets: { type: 'string', default: 'guichet,discard,smtp-sink' },
    mix: { type: 'string', default: 'on' },
    'rt-messages': { type: 'string', default: '100' },
    repeat: { type: 'string', default: '1' },
    /** Writes a V8 CPU profile of each guichet run into this directory (open it in Chrome's DevTools). */
    profile: { type: 'string' },
    /** Run the compiled gateway (dist/) with npm start's Node flags; `npm run bench` builds and sets it. */
    built: { type: 'boolean', default: false },
    /** node: this process sends, reusing connections; smtp-source: Postfix's load generator. */
    client: { type: 'string', default: 'node' },
    message: { type: 'string', default: 'text' },
  },
});
const total = Number(values.messages);
const mixed = values.mix !== 'off';
const SMTP_SOURCE = '/usr/sbin/smtp-source';
const bySmtpSource = values.client === 'smtp-source';
if (bySmtpSource && !existsSync(SMTP_SOURCE)) throw new Error('--client smtp-source needs Postfix (apt-get install postfix)');

interface Server {
  port: number;
  pid: number;
  stop(): Promise<void>;
  waitFiled?: () => Promise<number>;
  /** Targets fed otherwise than by SMTP (RT: rt-mailgate). */
  deliver?: (raw: string) => Promise<void>;
  stats?: () => { cpuSeconds: number; peakRssMb: number };
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
  if (target === 'request-tracker') {
    const rt = await startRequestTracker();
    const before = rt.ticketCount();
    return { port: 0, pid: rt.pid, deliver: rt.deliver, stats: rt.stats, stop: rt.stop, waitFiled: async () => rt.ticketCount() - before };
  }
  if (target === 'guichet') {
    const dir = scratchDir('ingest');
    await awaitQuietFileSystem(join(dir, 'data', 'outbox'));
    const gateway = await startGatewayProcess(writeConfig(dir, { dataDir: 'data', smtp: { port: 0, maxClients: 500 }, logLevel: 'warn', secret: 'bench-secret-0123456789', ...(bySmtpSource ? { limits: { newTicketsPerSenderPerHour: 1_000_000 } } : {}) }), values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [], { built: values.built });
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

/** Postfix's smtp-source sends `messages` copies of one message file over `sessions` sessions. */
async function runSmtpSource(port: number, sessions: number, messages: number): Promise<void> {
  const dir = scratchDir('source');
  const file = join(dir, 'message.eml');
  // smtp-source ends every line with CRLF itself.
  writeFileSync(file, benchMessageOfKind(1, values.message as MessageKind).replace(/\r\n/g, '\n'));
  const child = spawn(SMTP_SOURCE, ['-s', String(sessions), '-m', String(messages), '-F', file, '-f', 'c1@bench.test', '-t', 'support@example.org', `127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`smtp-source exited with ${code}: ${stderr}`);
}

/**
 * One session's share of the load: it takes the next message from the queue all sessions share,
 * as an MTA hands its queue to whichever connection is free. (A fixed share per session put every
 * 5 MB message of the mix, index % 50 === 0, on the first session, so the run measured that one
 * session sending 300 MB in a row rather than the server's throughput.)
 */
async function runLane(server: Server, queue: IterableIterator<number>, latencies: number[]): Promise<void> {
  if (server.deliver) {
    for (const index of queue) {
      const start = performance.now();
      await server.deliver(benchMessage(index, mixed));
      latencies.push(performance.now() - start);
    }
    return;
  }
  const { dialog } = await SmtpDialog.open(server.port);
  await dialog.command('EHLO bench.test');
  for (const index of queue) {
    await dialog.command(`MAIL FROM:<c${index}@bench.test>`);
    await dialog.command('RCPT TO:<support@example.org>');
    const start = performance.now();
    const reply = await dialog.data(benchMessage(index, mixed));
    latencies.push(performance.now() - start);
    if (reply.code !== 250) throw new Error(`message ${index}: ${reply.text}`);
  }
  dialog.close();
}

interface Result {
  target: string;
  sessions: number;
  messages: number;
  acceptedPerSecond: number;
  filedPerSecond: number | null;
  p50Ms: number;
  p99Ms: number;
  serverCpuMsPerMessage: number;
  serverPeakRssMb: number;
}

async function benchOnce(target: string, concurrency: number): Promise<Result> {
  const server = await startTarget(target);
  const messages = target === 'request-tracker' ? Number(values['rt-messages']) : total;
  const stats = server.stats ?? (() => procStats(server.pid));
  const before = stats();
  const latencies: number[] = [];
  const start = performance.now();
  if (bySmtpSource && !server.deliver) {
    await runSmtpSource(server.port, concurrency, messages);
  } else {
    const queue = Array.from({ length: messages }, (_, index) => index).values();
    await Promise.all(Array.from({ length: concurrency }, () => runLane(server, queue, latencies)));
  }
  const acceptedMs = performance.now() - start;
  const filed = server.waitFiled ? await server.waitFiled() : null;
  const filedMs = performance.now() - start;
  const after = stats();
  await server.stop();
  latencies.sort((a, b) => a - b);
  const at = (p: number) => Number((latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN).toFixed(2));
  return {
    target,
    sessions: concurrency,
    messages,
    acceptedPerSecond: Math.round((messages / acceptedMs) * 1000),
    filedPerSecond: filed === null ? null : Math.round((filed / filedMs) * 1000 * 10) / 10,
    p50Ms: at(50),
    p99Ms: at(99),
    serverCpuMsPerMessage: Number((((after.cpuSeconds - before.cpuSeconds) * 1000) / messages).toFixed(2)),
    serverPeakRssMb: after.peakRssMb,
  };
}

/** Field by field median of repeated runs of one target and concurrency. */
function medianOf(runs: Result[]): Result {
  const first = runs[0]!;
  return {
    ...first,
    acceptedPerSecond: median(runs.map((run) => run.acceptedPerSecond)),
    filedPerSecond: first.filedPerSecond === null ? null : median(runs.map((run) => run.filedPerSecond ?? 0)),
    p50Ms: median(runs.map((run) => run.p50Ms)),
    p99Ms: median(runs.map((run) => run.p99Ms)),
    serverCpuMsPerMessage: median(runs.map((run) => run.serverCpuMsPerMessage)),
    serverPeakRssMb: median(runs.map((run) => run.serverPeakRssMb)),
  };
}

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, ${bySmtpSource ? `client smtp-source, message ${values.message}` : `mix ${mixed ? 'on' : 'off'}`}, repeat ${values.repeat}, guichet ${values.built ? 'compiled' : 'from TypeScript sources'}`);
const targets = values.targets.split(',').filter((target) => {
  if (target === 'smtp-sink' && !existsSync('/usr/sbin/smtp-sink')) console.log('smtp-sink: not installed (apt-get install postfix), skipped');
  else if (target === 'request-tracker' && !requestTrackerInstalled()) console.log('request-tracker: not set up (sudo bench/setup-request-tracker.sh), skipped');
  else return true;
  return false;
});
const concurrencies = values.concurrency.split(',').map(Number);
const runs = new Map<string, Result[]>();
for (let round = 0; round < Number(values.repeat); round += 1) {
  for (const concurrency of concurrencies) {
    for (const target of targets) {
      const result = await benchOnce(target, concurrency);
      console.log(JSON.stringify({ round, ...result }));
      runs.set(`${target}/${concurrency}`, [...(runs.get(`${target}/${concurrency}`) ?? []), result]);
    }
  }
}
const results = [...runs.values()].map(medianOf);
console.table(results);
for (const concurrency of concurrencies) {
  const row = (target: string) => results.find((result) => result.target === target && result.sessions === concurrency);
  const [guichet, discard, sink, rt] = [row('guichet'), row('discard'), row('smtp-sink'), row('request-tracker')];
  if (!guichet) continue;
  if (discard) console.log(`${concurrency} sessions: durable accept at ${Math.round((100 * guichet.acceptedPerSecond) / discard.acceptedPerSecond)} % of the discard-only listener's rate`);
  if (sink) console.log(`${concurrency} sessions: durable accept at ${Math.round((100 * guichet.acceptedPerSecond) / sink.acceptedPerSecond)} % of Postfix smtp-sink's rate`);
  if (rt) {
    console.log(`${concurrency} sessions: Guichet files ${((guichet.filedPerSecond ?? 0) / (rt.filedPerSecond ?? 1)).toFixed(0)}× as many messages per second as Request Tracker,`);
    console.log(`  for ${(rt.serverCpuMsPerMessage / guichet.serverCpuMsPerMessage).toFixed(0)}× less server CPU per message (${guichet.serverCpuMsPerMessage} ms against ${rt.serverCpuMsPerMessage} ms)`);
  }
}
