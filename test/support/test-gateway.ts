/**
 * Starts a real gateway in this process on 127.0.0.1:0 with a fresh temporary data directory,
 * its outbound relay pointed at a real SMTP sink. `send` delivers with nodemailer over SMTP,
 * as a customer's MTA would. Nothing is mocked: real sockets, a real SQLite file (or PostgreSQL database), real files.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { pino } from 'pino';
import type { ConfigInput } from '../../src/config/config-schema.js';
import { parseConfig } from '../../src/config/load-config.js';
import { startGateway, type Gateway } from '../../src/main.js';
import { fixedResolver, type DnsRecords } from './fixed-dns.js';
import { startSmtpSink, waitUntil, type SmtpSink } from './smtp-sink.js';
import { createTestStore, type TestStore } from './test-store.js';

export interface TestGateway {
  gateway: Gateway;
  sink: SmtpSink;
  dataDir: string;
  /** The store section of its config: give it to any CLI or second gateway run on the same data. */
  store: TestStore['config'];
  port: number;
  send(mail: SendMailOptions): Promise<{ response: string; messageId: string }>;
  sendRaw(raw: string | Buffer, envelope: { from: string; to: string[] }): Promise<{ response: string }>;
  /** Waits until every accepted message is filed or quarantined and the outbox is drained. */
  settle(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestGateway(overrides: Partial<ConfigInput> = {}, options: { relay?: boolean; dns?: DnsRecords } = {}): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'guichet-test-'));
  const sink = await startSmtpSink();
  const store = await createTestStore();
  const config = parseConfig({
    dataDir,
    store: store.config,
    secret: 'test-secret-0123456789abcdef',
    mailboxes: [{ address: 'support@example.org' }, { address: 'billing@example.org' }],
    ...overrides,
    smtp: { port: 0, ...overrides.smtp },
    outbound: options.relay === false ? { ...overrides.outbound } : { smtp: { host: '127.0.0.1', port: sink.port }, retryBaseMs: 50, ...overrides.outbound },
    logLevel: 'silent',
  });
  const gateway = await startGateway(config, { logger: pino({ level: 'silent' }), pollMs: 50, resolver: fixedResolver(options.dns) });
  const client = nodemailer.createTransport({ host: '127.0.0.1', port: gateway.smtpPort, secure: false, ignoreTLS: true, pool: false });
  return {
    gateway,
    sink,
    dataDir,
    store: store.config,
    port: gateway.smtpPort,
    async send(mail) {
      const info = await client.sendMail({ to: 'support@example.org', ...mail });
      return { response: info.response, messageId: info.messageId };
    },
    async sendRaw(raw, envelope) {
      const info = await client.sendMail({ raw, envelope });
      return { response: info.response };
    },
    async settle(timeoutMs = 5000) {
      await waitUntil(
        async () => {
          const pending = await gateway.db.selectFrom('spool').select('id').where('state', '=', 'pending').execute();
          const queued = await gateway.db
            .selectFrom('outbox')
            .select('id')
            .where('state', '=', 'queued')
            .where('attempts', '=', 0)
            .execute();
          return pending.length === 0 && queued.length === 0;
        },
        timeoutMs,
        'the spool and outbox to drain',
      );
    },
    async stop() {
      client.close();
      await gateway.stop();
      await sink.close();
      await store.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
