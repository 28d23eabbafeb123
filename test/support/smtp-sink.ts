/**
 * A real SMTP server on 127.0.0.1:0 that stands in for the outbound relay and records what it
 * receives (envelope, raw bytes, parsed message). `setReply` makes it refuse mail with a code,
 * to test retries (4xx) and permanent failures (5xx).
 */
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface CaughtMail {
  envelopeFrom: string;
  envelopeTo: string[];
  raw: string;
  parsed: ParsedMail;
}

export interface SmtpSink {
  port: number;
  mails: CaughtMail[];
  attempts: number;
  setReply(code: number | null): void;
  waitForMails(count: number, timeoutMs?: number): Promise<CaughtMail[]>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: CaughtMail[] = [];
  let reply: number | null = null;
  const sink: Partial<SmtpSink> = { mails, attempts: 0 };
  const server = new SMTPServer({
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    disableReverseLookup: true,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        sink.attempts = (sink.attempts ?? 0) + 1;
        if (reply !== null) {
          const error = Object.assign(new Error(`sink refuses with ${reply}`), { responseCode: reply });
          return callback(error);
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then((parsed) => {
          mails.push({
            envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            raw,
            parsed,
          });
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(sink, {
    port: (server.server.address() as AddressInfo).port,
    setReply(code: number | null) {
      reply = code;
    },
    async waitForMails(count: number, timeoutMs = 5000) {
      await waitUntil(() => mails.length >= count, timeoutMs, `${count} mail(s) at the sink, got ${mails.length}`);
      return mails.slice(0, count);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as SmtpSink;
}

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
