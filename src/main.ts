/**
 * Composition root: config → secret → store (migrated) → templates → spool writer and listener
 * → spool and outbox workers. Returns a handle with the bound port and a stop() that closes
 * the listener first (no new mail), then lets the workers finish their current item.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Kysely } from 'kysely';
import type { DNSResolver } from 'mailauth';
import { pino, type Logger } from 'pino';
import type { Config } from './config/config-schema.js';
import { loadSecret } from './config/load-secret.js';
import { watchConfigSection } from './config/watch-config-section.js';
import { createListener } from './smtp/create-listener.js';
import { SpoolWriter } from './spool/spool-writer.js';
import { SpoolWorker } from './spool/spool-worker.js';
import { openStore } from './store/open-database.js';
import type { Database } from './store/database-schema.js';
import { FileMailer } from './notify/file-mailer.js';
import { SmtpMailer } from './notify/smtp-mailer.js';
import type { Mailer } from './notify/mailer.js';
import { OutboxWorker } from './notify/outbox-worker.js';
import { TemplateStore } from './notify/template-store.js';
import { SenderPolicy } from './policy/sender-policy.js';
import { Metrics } from './admin/metrics.js';
import { createAdminServer } from './admin/admin-server.js';
import { PollingLoop } from './polling-loop.js';
import { runLifecycleSweep } from './tickets/lifecycle-sweep.js';
import { cachingResolver } from './policy/caching-resolver.js';

export const defaultTemplatesDir = fileURLToPath(new URL('../templates', import.meta.url));

export interface Gateway {
  smtpPort: number;
  /** The admin page's port, when admin.port is set. */
  adminPort: number | null;
  mailboxes: readonly string[];
  /** The timed lifecycle (reminders, auto-resolve and close, SLA warnings); runs every minute, or now with runOnce. */
  lifecycle: { runOnce(now: Date): Promise<number> };
  db: Kysely<Database>;
  spoolWorker: SpoolWorker;
  outboxWorker: OutboxWorker;
  senderPolicy: SenderPolicy;
  templates: TemplateStore;
  metrics: Metrics;
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
  const db = await openStore(config, {
    backgroundCheckpoints: { onError: (message) => logger.warn({ error: message }, 'background WAL checkpoint failed; commits will checkpoint the WAL themselves') },
  });
  // Names this gateway's claims on spool and outbox rows when gateways share a PostgreSQL database.
  const gatewayId = config.store.gatewayName ?? `${hostname()}:${config.smtp.port === 0 ? `pid${process.pid}` : config.smtp.port}`;
  const templates = new TemplateStore(options.templatesDir ?? config.templatesDir ?? defaultTemplatesDir, config.locale);
  const mailer: Mailer = config.outbound.smtp
    ? new SmtpMailer(config.outbound.smtp, config.smtp.hostname)
    : new FileMailer(join(config.dataDir, 'outbox'));
  const metrics = new Metrics(db);
  const outboxWorker = new OutboxWorker(db, mailer, logger, {
    metrics,
    maxAttempts: config.outbound.maxAttempts,
    retryBaseMs: config.outbound.retryBaseMs,
    pollMs: options.pollMs,
    gatewayId,
    isReceiving: () => spool.receiving,
  });
  const spoolWorker = new SpoolWorker({ db, config, secret, templates, logger, metrics, resolver: options.resolver ?? cachingResolver() }, () => outboxWorker.wake(), options.pollMs, gatewayId, () => spool.receiving);
  const spool = new SpoolWriter(db, config.dataDir, config.smtp.hostname, () => spoolWorker.wake());
  const senderPolicy = new SenderPolicy(db, watchConfigSection(options.configFile, 'blocklist', config.blocklist, logger), logger);
  await senderPolicy.start();
  await spoolWorker.start();
  await outboxWorker.start();
  // Admins edit templates while the server runs: pick up changes within a second.
  const templateTimer = setInterval(() => {
    const before = templates.problems().length;
    templates.refresh();
    for (const problem of templates.problems().slice(before)) logger.error(problem, 'edited template refused; the previous version stays in use');
  }, 1000);
  templateTimer.unref();
  const sweepDeps = { db, config, secret, templates, logger };
  const lifecycleLoop = new PollingLoop(async () => {
    await runLifecycleSweep(sweepDeps, new Date());
    outboxWorker.wake();
    return 0;
  }, 60_000, logger);
  lifecycleLoop.start();
  const server = createListener({ config, spool, senderPolicy, db, logger, metrics });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.smtp.port, config.smtp.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const smtpPort = (server.server.address() as AddressInfo).port;
  const admin = config.admin.port !== undefined && config.admin.token ? createAdminServer({ db, config, templates, token: config.admin.token, metrics, logger }) : null;
  if (admin) await new Promise<void>((resolve) => admin.listen(config.admin.port, config.admin.host, resolve));
  const adminPort = admin ? (admin.address() as AddressInfo).port : null;
  logger.info({ host: config.smtp.host, port: smtpPort, adminPort, dataDir: config.dataDir, outbound: config.outbound.smtp ? 'relay' : 'files' }, 'guichet listening');
  return {
    smtpPort,
    adminPort,
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
    templates,
    metrics,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (admin) await closeAdminServer(admin);
      senderPolicy.stop();
      clearInterval(templateTimer);
      await lifecycleLoop.stop();
      await spoolWorker.stop();
      await outboxWorker.stop();
      await db.destroy();
    },
  };
}

/** How long a request under way on the admin page (a download, a save) may finish at stop. */
const ADMIN_STOP_GRACE_MS = 1000;

/**
 * close() waits for every open connection, and a download whose client stopped reading keeps
 * its connection open until the client gives up: past a short grace, cut what is left.
 */
async function closeAdminServer(admin: Server): Promise<void> {
  const cut = setTimeout(() => admin.closeAllConnections(), ADMIN_STOP_GRACE_MS);
  await new Promise<void>((resolve) => admin.close(() => resolve()));
  clearTimeout(cut);
}

