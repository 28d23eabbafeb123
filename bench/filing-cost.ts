/**
 * What filing alone costs: parse, authenticate, thread, store, render and queue the
 * acknowledgement, then send it (to data/outbox/), with no SMTP session competing for the CPU.
 * For each kind of message, N messages are spooled first by the real spool writer in this
 * process; then the compiled `guichet serve` starts on that data directory and files them.
 * The acknowledgements queued while the N are filed are held in the outbox (a trigger sets their
 * next attempt far ahead), then released once the spool is empty: filing (parse … queue the
 * acknowledgement) and delivering (compose the MIME, write it to data/outbox/, mark it sent) are
 * measured one after the other. Reported, per measured message: server CPU ms of each phase and
 * of both (all threads), of both on the main thread alone, of both in the kernel (system time),
 * the filing rate, and the bytes filing wrote to storage (database, WAL and its checkpoints, attachments; from /proc/<pid>/io), and what
 * creating a file cost just before (`fileCreateUs`, see scratch-dir.ts). Without warm-up
 * the gateway starts filing a moment before it reports listening, which the figure slightly
 * under-counts (a few ms in seconds of work). With --together the acknowledgements are not held:
 * they go out while the messages are filed, as in service, and only the total is reported; the
 * filing rate then runs until the spool is empty, with delivery sharing the CPU meanwhile.
 * A freshly started process also pays for its warm-up: V8 compiles the hot code of the parser,
 * the store and the mailer while the first thousands of messages go through (seconds of CPU in
 * its background threads). With --warmup W, W more messages are spooled and held back from the
 * N measured (their `not_before` far ahead); the gateway files and acknowledges the W first, then
 * the N are released and measured alone, as a server that has been running a while files them.
 *
 *   npm run bench:filing -- --messages 2000 --kinds text,html,mix [--warmup 4000] [--repeat 3] [--together] [--profile DIR]
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { sql, type Kysely } from 'kysely';
import { SpoolWriter } from '../src/spool/spool-writer.js';
import type { Database } from '../src/store/database-schema.js';
import { openDatabase } from '../src/store/open-database.js';
import { startGatewayProcess, writeConfig } from '../test/support/gateway-process.js';
import { waitUntil } from '../test/support/smtp-sink.js';
import { countPendingSpool, countUndone, waitUntilDrained } from '../test/support/test-store.js';
import { benchMessageOfKind, kindInMix, type MessageKind } from './message-mix.js';
import { mainThreadCpuSeconds, median, procStats, writtenBytes } from './proc-stats.js';
import { awaitQuietFileSystem, scratchDir } from './scratch-dir.js';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '2000' },
    kinds: { type: 'string', default: 'text,html,mix' },
    repeat: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '0' },
    /** Writes a V8 CPU profile of each gateway run into this directory. */
    profile: { type: 'string' },
    /** Acknowledgements delivered while the messages are filed, as in service: one figure for both. */
    together: { type: 'boolean', default: false },
  },
});
const messages = Number(values.messages);
const warmup = Number(values.warmup);
const HELD_BACK = '9999-12-31T00:00:00.000Z';
const HOLD_TRIGGER = 'bench_hold_outbox';
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
  const dir = scratchDir('filing');
  const dataDir = join(dir, 'data');
  await spoolMessages(dataDir, load);
  const config = writeConfig(dir, { dataDir, smtp: { port: 0 }, logLevel: 'warn', secret: 'bench-secret-0123456789' });
  const db = await openDatabase(dataDir);
  const hold = !values.together;
  if (warmup === 0 && hold) await holdNewMail(db);
  // The acknowledgements' files go to data/outbox/: the directory whose block group matters.
  // Probed before the measured messages are released, or the gateway files them while it waits.
  const outboxDir = join(dataDir, 'outbox');
  let fileCreateUs = warmup === 0 ? await awaitQuietFileSystem(outboxDir) : 0;
  const gateway = await startGatewayProcess(config, values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [], { built: true });
  const pid = gateway.child.pid!;
  if (warmup > 0) {
    await waitUntil(async () => (await countUndone(db, { heldUntil: HELD_BACK })) === 0, 600_000, 'warm-up messages filed and acknowledged');
    if (hold) await holdNewMail(db);
    fileCreateUs = await awaitQuietFileSystem(outboxDir);
    await db.updateTable('spool').set({ not_before: null }).where('not_before', '=', HELD_BACK).execute();
  }
  const atStart = snapshot(pid);
  // Filing a message and queueing its acknowledgement are one transaction: no pending entry left means both done.
  await waitUntil(async () => (await countPendingSpool(db)) === 0, 600_000, 'measured messages filed, their acknowledgements queued');
  const filed = snapshot(pid);
  if (hold) {
    await sql`DROP TRIGGER ${sql.id(HOLD_TRIGGER)}`.execute(db);
    await db.updateTable('outbox').set({ next_attempt_at: new Date().toISOString() }).where('next_attempt_at', '=', HELD_BACK).execute();
  }
  await waitUntilDrained(db, 600_000, 'acknowledgements delivered');
  const delivered = snapshot(pid);
  const { peakRssMb } = procStats(pid);
  await db.destroy();
  await gateway.kill('SIGTERM');
  const perMessage = (seconds: number) => Number(((seconds * 1000) / messages).toFixed(2));
  return {
    load,
    messages,
    warmup,
    cpuMsPerMessage: perMessage(delivered.cpu - atStart.cpu),
    filingCpuMs: hold ? perMessage(filed.cpu - atStart.cpu) : null,
    deliveryCpuMs: hold ? perMessage(delivered.cpu - filed.cpu) : null,
    mainThreadCpuMs: perMessage(delivered.mainCpu - atStart.mainCpu),
    systemCpuMs: perMessage(delivered.system - atStart.system),
    filedPerSecond: Math.round(messages / ((filed.at - atStart.at) / 1000)),
    deliveredPerSecond: hold ? Math.round(messages / ((delivered.at - filed.at) / 1000)) : null,
    filingWrittenKb: hold ? Math.round((filed.written - atStart.written) / 1024 / messages) : null,
    peakRssMb,
    fileCreateUs,
  };
}

/**
 * From here on, mail queued by the gateway waits (its next attempt far ahead, set by a trigger)
 * so that filing and delivering the acknowledgements are measured one after the other. The
 * trigger's own update is counted in filing's figure.
 */
async function holdNewMail(db: Kysely<Database>): Promise<void> {
  await sql`CREATE TRIGGER ${sql.id(HOLD_TRIGGER)} AFTER INSERT ON outbox BEGIN UPDATE outbox SET next_attempt_at = ${sql.lit(HELD_BACK)} WHERE id = NEW.id; END`.execute(db);
}

function snapshot(pid: number) {
  const { cpuSeconds, systemSeconds } = procStats(pid);
  return { cpu: cpuSeconds, system: systemSeconds, mainCpu: mainThreadCpuSeconds(pid), written: writtenBytes(pid), at: performance.now() };
}

const rows = [];
for (const load of loads) {
  const runs: Awaited<ReturnType<typeof measure>>[] = [];
  for (let round = 0; round < Number(values.repeat); round += 1) {
    const run = await measure(load);
    console.log(JSON.stringify({ round, ...run }));
    runs.push(run);
  }
  const mid = (figure: (run: (typeof runs)[number]) => number | null) => {
    const figures = runs.map(figure).filter((value): value is number => value !== null);
    return figures.length > 0 ? median(figures) : null;
  };
  rows.push({ load, messages, warmup, cpuMsPerMessage: mid((run) => run.cpuMsPerMessage), filingCpuMs: mid((run) => run.filingCpuMs), deliveryCpuMs: mid((run) => run.deliveryCpuMs), mainThreadCpuMs: mid((run) => run.mainThreadCpuMs), systemCpuMs: mid((run) => run.systemCpuMs), filedPerSecond: mid((run) => run.filedPerSecond), deliveredPerSecond: mid((run) => run.deliveredPerSecond), filingWrittenKb: mid((run) => run.filingWrittenKb), peakRssMb: mid((run) => run.peakRssMb) });
}
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, compiled gateway, ${warmup} warm-up messages filed before the ${messages} measured, medians of ${values.repeat}`);
console.table(rows);
