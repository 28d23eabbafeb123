/**
 * Composition root: config → secret → store (migrated) → templates → spool writer and listener
 * → spool and outbox workers. Returns a handle with the bound port and a stop() that closes
 * the listener first (no new mail), then lets the workers finish their current item.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import type { DNSResolver } from 'mailauth';
import { pino, type Logger } from 'pino';
import type { Config } from './config/config-schema.js';
import { loadSecret } from './config/load-secret.js';
import { watchConfigSection } from './config/watch-config-section.js';
import { createListener } from './smtp/create-listener.js';
import { SpoolWriter } from './spool/spool-writer.js';
import { SpoolWorker } from './spool/spool-worker.js';
import { openDatabase } from './store/open-database.js';
import type { Database } from './store/database-schema.js';
import { FileMailer } from './notify/file-mailer.js';
import { SmtpMailer } from './notify/smtp-mailer.js';
import type { Mailer } from './notify/mailer.js';
import { OutboxWorker } from './notify/outbox-worker.js';
import { TemplateStore } from './notify/template-store.js';
import { SenderPolicy } from './policy/sender-policy.js';
import { PollingLoop } from './polling-loop.js';
import { runLifecycleSweep } from './tickets/lifecycle-sweep.js';
import { cachingResolver } from './policy/caching-resolver.js';

export const defaultTemplatesDir = fileURLToPath(new URL('../templates', import.meta.url));

export interface Gateway {
  smtpPort: number;
  mailboxes: readonly string[];
  /** The timed lifecycle (reminders, auto-resolve and close, SLA warnings); runs every minute, or now with runOnce. */
  lifecycle: { runOnce(now: Date): Promise<number> };
  db: Kysely<Database>;
  spoolWorker: SpoolWorker;
  outboxWorker: OutboxWorker;
  senderPolicy: SenderPolicy;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  logger?: Logger;
  /** DNS for SPF/DKIM/DMARC; tests pass fixed answers so they run offline. */
  resolver?: DNSResolver;
  templatesDir?: string;
  /** The file the config came from: sections that apply live (blocklist) are re-read when it changes. */
  configFile?: string;
  pollMs?: number;
}

export async function startGateway(config: Config, options: GatewayOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: 'guichet' } });
  const secret = loadSecret(config);
  const db = await openDatabase(config.dataDir);
  const templates = new TemplateStore(options.templatesDir ?? defaultTemplatesDir, config.locale);
  const mailer: Mailer = config.outbound.smtp
    ? new SmtpMailer(config.outbound.smtp, config.smtp.hostname)
    : new FileMailer(join(config.dataDir, 'outbox'));
  const outboxWorker = new OutboxWorker(db, mailer, logger, {
    maxAttempts: config.outbound.maxAttempts,
    retryBaseMs: config.outbound.retryBaseMs,
    pollMs: options.pollMs,
  });
  const spoolWorker = new SpoolWorker({ db, config, secret, templates, logger, resolver: options.resolver ?? cachingResolver() }, () => outboxWorker.wake(), options.pollMs);
  const spool = new SpoolWriter(db, config.dataDir, config.smtp.hostname, () => spoolWorker.wake());
  const senderPolicy = new SenderPolicy(db, watchConfigSection(options.configFile, 'blocklist', config.blocklist, logger), logger);
  await senderPolicy.start();
  await spoolWorker.start();
  outboxWorker.start();
  const sweepDeps = { db, config, secret, templates, logger };
  const lifecycleLoop = new PollingLoop(async () => {
    await runLifecycleSweep(sweepDeps, new Date());
    outboxWorker.wake();
    return 0;
  }, 60_000, logger);
  lifecycleLoop.start();
  const server = createListener({ config, spool, senderPolicy, db, logger });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.smtp.port, config.smtp.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const smtpPort = (server.server.address() as AddressInfo).port;
  logger.info({ host: config.smtp.host, port: smtpPort, dataDir: config.dataDir, outbound: config.outbound.smtp ? 'relay' : 'files' }, 'guichet listening');
  return {
    smtpPort,
    mailboxes: config.mailboxes.map((mailbox) => mailbox.address),
    lifecycle: {
      async runOnce(now) {
        const changed = await runLifecycleSweep(sweepDeps, now);
        outboxWorker.wake();
        return changed;
      },
    },
    db,
    spoolWorker,
    outboxWorker,
    senderPolicy,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      senderPolicy.stop();
      await lifecycleLoop.stop();
      await spoolWorker.stop();
      await outboxWorker.stop();
      await db.destroy();
    },
  };
}
