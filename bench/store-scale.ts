/**
 * Does filing stay flat as the store grows? For each size (existing tickets), seeds a fresh
 * SQLite store with that many answered tickets (one requester, one inbound message with a
 * Message-ID, one spool row and one sent acknowledgement each: the rows threading and the limits
 * search), then runs the real `guichet serve` on it and sends M messages over 10 sessions: three
 * in four open new tickets, one in four replies to a random existing ticket by In-Reply-To.
 * Reported: accepted per second (until the last 250), filed per second (until the last is
 * filed), server CPU ms per filed message (all threads, and the main thread alone), database
 * size. Seeding uses plain SQL in large transactions (a million tickets take about 20 s here).
 * With --repeat, each round measures every size once (interleaved), and the table has medians.
 *
 *   npm run bench:store -- --sizes 10000,100000,1000000 --messages 1000 [--repeat 3]
 */
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import { databasePath, openDatabase } from '../src/store/open-database.js';
import { startGatewayProcess, writeConfig } from '../test/support/gateway-process.js';
import { SmtpDialog } from '../test/support/smtp-dialog.js';
import { mainThreadCpuSeconds, median, procStats } from './proc-stats.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    messages: { type: 'string', default: '1000' },
    sessions: { type: 'string', default: '10' },
    repeat: { type: 'string', default: '1' },
  },
});
const messages = Number(values.messages);
const sessions = Number(values.sessions);

async function seed(dataDir: string, tickets: number): Promise<void> {
  await (await openDatabase(dataDir)).destroy(); // the schema, by the real migrations
  const db = new SQLite(databasePath(dataDir));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF'); // seeding only
  const at = '2026-01-05T10:00:00.000Z';
  const ticket = db.prepare(`insert into tickets (id, subject, normalized_subject, status, requester, mailbox, locale, created_at, updated_at, language, flags_json, priority, status_changed_at)
    values (?, ?, ?, 'answered', ?, 'support@example.org', 'fr', ?, ?, 'fr', '[]', 'normal', ?)`);
  const participant = db.prepare(`insert into participants (ticket_id, address, role, created_at) values (?, ?, 'requester', ?)`);
  const spool = db.prepare(`insert into spool (id, state, received_at, mail_from, rcpt_to, size, raw_path, ticket_id, processed_at) values (?, 'filed', ?, ?, '["support@example.org"]', 900, ?, ?, ?)`);
  const message = db.prepare(`insert into messages (ticket_id, spool_id, direction, message_id, in_reply_to, references_json, from_address, from_name, to_json, cc_json, subject, text, new_text, html, sent_at, flags_json, created_at)
    values (?, ?, 'in', ?, null, '[]', ?, null, '["support@example.org"]', '[]', ?, ?, ?, null, ?, '[]', ?)`);
  const outbox = db.prepare(`insert into outbox (ticket_id, event, state, attempts, next_attempt_at, payload_json, recipient, message_id, automatic, created_at, sent_at)
    values (?, 'ack-new-ticket', 'sent', 1, ?, '{}', ?, ?, 1, ?, ?)`);
  const batch = db.transaction((from: number, to: number) => {
    for (let id = from; id < to; id += 1) {
      const requester = `seed${id}@customer.test`;
      const subject = `Question numéro ${id} sur la collecte`;
      ticket.run(id, subject, subject.toLowerCase(), requester, at, at, at);
      participant.run(id, requester, at);
      spool.run(`seed-${id}`, at, requester, `spool/seed-${id}.eml`, id, at);
      message.run(id, `seed-${id}`, `<seed${id}@customer.test>`, requester, subject, 'Bonjour, une question sur la collecte.', 'Bonjour, une question sur la collecte.', at, at);
      outbox.run(id, at, requester, `<ack${id}@example.org>`, at, at);
    }
  });
  for (let from = 1; from <= tickets; from += 50_000) batch(from, Math.min(tickets + 1, from + 50_000));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  // Seeding does not sync (synchronous=OFF). Without this the kernel would write the seed back
  // to disk (1.4 GB for a million tickets) during the measurement, as its dirty pages expire:
  // that cost the large store a third of its accept rate, which a store grown over years never sees.
  const file = openSync(databasePath(dataDir), 'r+');
  fsyncSync(file);
  closeSync(file);
}

function newMessage(index: number, existing: number): { from: string; raw: string } {
  if (index % 4 === 3) {
    const id = 1 + Math.floor(Math.random() * existing);
    const from = `seed${id}@customer.test`;
    return { from, raw: `From: ${from}\r\nTo: support@example.org\r\nSubject: Re: Question numéro ${id} sur la collecte\r\nMessage-ID: <reply${index}-${Date.now()}@customer.test>\r\nIn-Reply-To: <seed${id}@customer.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMerci, mais la collecte est toujours bloquée.\r\n` };
  }
  const from = `new${index}@customer.test`;
  return { from, raw: `From: ${from}\r\nTo: support@example.org\r\nSubject: Export des dons ${index}\r\nMessage-ID: <new${index}-${Date.now()}@customer.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour,\r\nl'export comptable des dons du mois est vide depuis hier.\r\nPouvez-vous regarder ?\r\nMerci\r\n` };
}

async function measure(size: number) {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-scale-'));
  const dataDir = join(dir, 'data');
  const seedStart = performance.now();
  await seed(dataDir, size);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const gateway = await startGatewayProcess(writeConfig(dir, { dataDir: 'data', smtp: { port: 0, maxClients: 200 }, logLevel: 'warn', secret: 'scale-secret-0123456789', limits: { newTicketsPerSenderPerHour: 1000 } }));
  const db = new SQLite(databasePath(dataDir), { readonly: true });
  const before = procStats(gateway.child.pid!).cpuSeconds;
  const mainBefore = mainThreadCpuSeconds(gateway.child.pid!);
  const start = performance.now();
  await Promise.all(
    Array.from({ length: sessions }, async (_, lane) => {
      const { dialog } = await SmtpDialog.open(gateway.port);
      await dialog.command('EHLO scale.test');
      for (let index = lane; index < messages; index += sessions) {
        const { from, raw } = newMessage(index, size);
        await dialog.command(`MAIL FROM:<${from}>`);
        await dialog.command('RCPT TO:<support@example.org>');
        const reply = await dialog.data(raw);
        if (reply.code !== 250) throw new Error(`message ${index}: ${reply.text}`);
      }
      dialog.close();
    }),
  );
  const acceptSeconds = (performance.now() - start) / 1000;
  const filedQuery = db.prepare("select count(*) as n from spool where state = 'filed' and id not like 'seed-%'");
  while ((filedQuery.get() as { n: number }).n < messages) await new Promise((resolve) => setTimeout(resolve, 20));
  const seconds = (performance.now() - start) / 1000;
  const cpu = procStats(gateway.child.pid!).cpuSeconds - before;
  const mainCpu = mainThreadCpuSeconds(gateway.child.pid!) - mainBefore;
  const tickets = (db.prepare('select count(*) as n from tickets').get() as { n: number }).n;
  const replies = (db.prepare("select count(*) as n from messages where direction = 'in' and ticket_id <= ? and (spool_id is null or spool_id not like 'seed-%')").get(size) as { n: number }).n;
  db.close();
  await gateway.kill('SIGTERM');
  const sizeMb = Math.round(statSync(databasePath(dataDir)).size / 1024 / 1024);
  rmSync(dir, { recursive: true, force: true });
  return { existingTickets: size, seedSeconds: Math.round(seedSeconds), messages, repliesThreaded: replies, ticketsAfter: tickets, acceptedPerSecond: Math.round(messages / acceptSeconds), filedPerSecond: Math.round(messages / seconds), cpuMsPerMessage: perMessage(cpu), mainThreadCpuMs: perMessage(mainCpu), databaseMb: sizeMb };
}

function perMessage(cpuSeconds: number): number {
  return Number(((cpuSeconds * 1000) / messages).toFixed(2));
}

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}; ${messages} messages over ${sessions} sessions per size, ${values.repeat} round(s)`);
const sizes = values.sizes.split(',').map(Number);
const runs: Awaited<ReturnType<typeof measure>>[] = [];
for (let round = 0; round < Number(values.repeat); round += 1) {
  for (const size of sizes) {
    const result = await measure(size);
    console.log(JSON.stringify({ round, ...result }));
    runs.push(result);
  }
}
const results = sizes.map((size) => {
  const of = runs.filter((run) => run.existingTickets === size);
  const middle = (pick: (run: (typeof of)[number]) => number) => median(of.map(pick));
  return { existingTickets: size, rounds: of.length, acceptedPerSecond: middle((run) => run.acceptedPerSecond), filedPerSecond: middle((run) => run.filedPerSecond), cpuMsPerMessage: middle((run) => run.cpuMsPerMessage), mainThreadCpuMs: middle((run) => run.mainThreadCpuMs), databaseMb: middle((run) => run.databaseMb) };
});
console.table(results);
const [smallest, largest] = [results[0]!, results[results.length - 1]!];
const percent = (pick: (row: (typeof results)[number]) => number) => Math.round((100 * pick(largest)) / pick(smallest));
console.log(`from ${smallest.existingTickets} to ${largest.existingTickets} tickets (medians): filing rate ${percent((row) => row.filedPerSecond)} %, CPU per message ${percent((row) => row.cpuMsPerMessage)} % (main thread ${percent((row) => row.mainThreadCpuMs)} %) of the smallest store's`);
