/**
 * What the libraries the design card fixes cost per message before Guichet does anything of its
 * own: mailparser's streaming parser reading each message of the benchmark mix (attachments
 * drained, not stored, hashed or written), handlebars rendering the acknowledgement's three
 * templates, and nodemailer composing it as the file mailer does. In-process, no I/O, after as
 * many unmeasured runs; CPU time of the whole process (V8's collector threads included), per
 * message. This is the floor under bench:filing's figures, which add SQLite, the disk, mailauth
 * and Guichet's own work.
 *
 *   node bin/run-ts.mjs bench/library-floor.ts [--rounds 20]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import Handlebars from 'handlebars';
import { MailParser, type AttachmentStream, type MessageText } from 'mailparser';
import nodemailer from 'nodemailer';
import { composeMail } from '../src/notify/compose-mail.js';
import { MAIL_PARSER_OPTIONS } from '../src/parse/parse-message.js';
import { READ_CHUNK_BYTES } from '../src/spool/raw-message.js';
import { benchMessage, kindInMix, type MessageKind } from './message-mix.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '20' } } });
const rounds = Number(values.rounds);

/** mailparser with the options parseMessage gives it; attachment streams read to their end. */
async function parseOnly(message: Buffer): Promise<void> {
  const parser = new MailParser(MAIL_PARSER_OPTIONS);
  const sink = new Writable({
    objectMode: true,
    write(part: AttachmentStream | MessageText, _encoding, done) {
      if (part.type === 'text') return done();
      part.content.on('data', () => undefined).once('end', () => (part.release?.(), done()));
    },
  });
  // In the chunks the spool reads a file in.
  const chunks = Array.from({ length: Math.ceil(message.length / READ_CHUNK_BYTES) }, (_, index) => message.subarray(index * READ_CHUNK_BYTES, (index + 1) * READ_CHUNK_BYTES));
  await pipeline(Readable.from(chunks), parser, sink);
}

const templateDir = join(import.meta.dirname, '..', 'templates', 'en');
const [subject, text, html] = ['subject', 'text', 'html'].map((part) => Handlebars.compile(readFileSync(join(templateDir, `ack-new-ticket.${part}.hbs`), 'utf8')));
const context = { customer: { name: 'Customer 17' }, ticket: { id: 4217, subject: 'Question 17', statusLabel: 'new' }, team: { name: 'Support' }, multiTopic: false };
const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

function render() {
  return { subject: subject!(context), text: text!(context), html: html!(context) };
}

async function compose(rendered: ReturnType<typeof render>): Promise<void> {
  const mail = { from: { name: 'Support', address: 'support@example.org' }, to: ['c17@bench.test'], cc: [], replyTo: 'support+t4217@example.org', messageId: '<ack-4217@example.org>', inReplyTo: '<b17@bench.test>', references: ['<b17@bench.test>'], headers: { 'Auto-Submitted': 'auto-replied' }, envelope: { from: '', to: ['c17@bench.test'] }, ...rendered };
  await transport.sendMail(composeMail(mail));
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function perRun(runs: number, work: () => Promise<unknown> | unknown): Promise<number> {
  for (let index = 0; index < runs; index++) await work();
  const start = cpuMs();
  for (let index = 0; index < runs; index++) await work();
  return (cpuMs() - start) / runs;
}

const mix = Array.from({ length: 50 }, (_, index) => Buffer.from(benchMessage(index, true)));
const byKind = (kind: MessageKind) => mix[mix.findIndex((_, index) => kindInMix(index, true) === kind)]!;
let next = 0;
const rows: Record<string, string> = {
  'parse, a message of the mix': (await perRun(rounds * mix.length, () => parseOnly(mix[next++ % mix.length]!))).toFixed(3),
  'parse, 2 KB text': (await perRun(rounds * 50, () => parseOnly(byKind('text')))).toFixed(3),
  'parse, 50 KB HTML multipart': (await perRun(rounds * 50, () => parseOnly(byKind('html')))).toFixed(3),
  'parse, 5 MB attachment': (await perRun(rounds, () => parseOnly(byKind('attachment')))).toFixed(3),
  'render the acknowledgement (handlebars)': (await perRun(rounds * 150, render)).toFixed(3),
  'compose it (nodemailer)': (await perRun(rounds * 150, () => compose(render()))).toFixed(3),
};
console.log(`node ${process.version}, CPU ms per message (process, all threads), ${rounds} rounds`);
console.table(rows);
