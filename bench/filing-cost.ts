/**
 * What filing alone costs: parse, authenticate, thread, store, render and queue the
 * acknowledgement, then send it (to data/outbox/), with no SMTP session competing for the CPU.
 * For each kind of message, N messages are spooled first by the real spool writer in this
 * process; then the compiled `guichet serve` starts on that data directory and files them.
 * Reported: server CPU ms per filed message (from the "listening" line to spool and outbox
 * drained; all threads, and the main thread alone) and the filing rate. The gateway starts
 * filing a moment before it reports listening, which the figure slightly under-counts (a few ms
 * in seconds of work).
 * A freshly started process also pays for its warm-up: V8 compiles the hot code of the parser,
 * the store and the mailer while the first thousands of messages go through (seconds of CPU in
 * its background threads). With --warmup W, W more messages are spooled and held back from the
 * N measured (their `not_before` far ahead); the gateway files and acknowledges the W first, then
 * the N are released and measured alone, as a server that has been running a while files them.
 *
 *   npm run bench:filing -- --messages 2000 --kinds text,html,mix [--warmup 4000] [--repeat 3] [--profile DIR]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { SpoolWriter } from '../src/spool/spool-writer.js';
import { openDatabase } from '../src/store/open-database.js';
import { startGatewayProcess, writeConfig } from '../test/support/gateway-process.js';
import { waitUntil } from '../test/support/smtp-sink.js';
import { countUndone, waitUntilDrained } from '../test/support/test-store.js';
import { benchMessageOfKind, kindInMix, type MessageKind } from './message-mix.js';
import { mainThreadCpuSeconds, median, procStats } from './proc-stats.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '2000' },
    kinds: { type: 'string', default: 'text,html,mix' },
    repeat: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '0' },
    /** Writes a V8 CPU profile of each gateway run into this directory. */
    profile: { type: 'string' },
  },
});
const messages = Number(values.messages);
const warmup = Number(values.warmup);
const HELD_BACK = '9999-12-31T00:00:00.000Z';
type Load = MessageKind | 'mix';
const loads = values.kinds.split(',') as Load[];

async function spoolMessages(dataDir: string, load: Load): Promise<void> {
  const db = await openDatabase(dataDir);
  const writer = new SpoolWriter(db, dataDir, 'bench.test');
  const envelope = { remoteAddress: '127.0.0.1', helo: 'bench.test', rcptTo: ['support@example.org'] };
  const measured: string[] = [];
  for (let index = 0; index < warmup + messages; index += 1) {
    const kind = load === 'mix' ? kindInMix(index, true) : load;
    const result = await writer.accept(Readable.from([Buffer.from(benchMessageOfKind(index, kind))]), { ...envelope, mailFrom: `c${index}@bench.test` });
    if (result.kind !== 'spooled') throw new Error(`message ${index} not spooled: ${JSON.stringify(result)}`);
    if (index >= warmup) measured.push(result.id);
  }
  if (warmup > 0) {
    for (let from = 0; from < measured.length; from += 500) await db.updateTable('spool').set({ not_before: HELD_BACK }).where('id', 'in', measured.slice(from, from + 500)).execute();
  }
  await db.destroy();
}

async function measure(load: Load) {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-filing-'));
  const dataDir = join(dir, 'data');
  await spoolMessages(dataDir, load);
  const config = writeConfig(dir, { dataDir, smtp: { port: 0 }, logLevel: 'warn', secret: 'bench-secret-0123456789' });
  const gateway = await startGatewayProcess(config, values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [], { built: true });
  const db = await openDatabase(dataDir);
  if (warmup > 0) {
    await waitUntil(async () => (await countUndone(db, { heldUntil: HELD_BACK })) === 0, 600_000, 'warm-up messages filed and acknowledged');
    await db.updateTable('spool').set({ not_before: null }).where('not_before', '=', HELD_BACK).execute();
  }
  const before = procStats(gateway.child.pid!).cpuSeconds;
  const mainBefore = mainThreadCpuSeconds(gateway.child.pid!);
  const start = performance.now();
  await waitUntilDrained(db, 600_000, 'spool and outbox drained');
  await db.destroy();
  const seconds = (performance.now() - start) / 1000;
  const after = procStats(gateway.child.pid!);
  const mainCpu = mainThreadCpuSeconds(gateway.child.pid!) - mainBefore;
  await gateway.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  return { load, messages, warmup, cpuMsPerMessage: Number((((after.cpuSeconds - before) * 1000) / messages).toFixed(2)), mainThreadCpuMs: Number(((mainCpu * 1000) / messages).toFixed(2)), filedPerSecond: Math.round(messages / seconds), peakRssMb: after.peakRssMb };
}

const rows = [];
for (const load of loads) {
  const runs = [];
  for (let round = 0; round < Number(values.repeat); round += 1) {
    const run = await measure(load);
    console.log(JSON.stringify({ round, ...run }));
    runs.push(run);
  }
  rows.push({ load, messages, warmup, cpuMsPerMessage: median(runs.map((run) => run.cpuMsPerMessage)), mainThreadCpuMs: median(runs.map((run) => run.mainThreadCpuMs)), filedPerSecond: median(runs.map((run) => run.filedPerSecond)), peakRssMb: median(runs.map((run) => run.peakRssMb)) });
}
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, compiled gateway, ${warmup} warm-up messages filed before the ${messages} measured, medians of ${values.repeat}`);
console.table(rows);
