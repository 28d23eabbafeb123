/**
 * Prometheus metrics. Counters are incremented where things happen (the listener, the spool
 * worker, the outbox worker) and reset with the process, as Prometheus expects; gauges that
 * describe the store (outbox depth, tickets by status, spool entries by state) are read from
 * the database at scrape time, so they are right whichever process did the work.
 */
import type { Kysely } from 'kysely';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database } from '../store/database-schema.js';

export class Metrics {
  readonly registry = new Registry();
  readonly received = new Counter({ name: 'guichet_messages_received_total', help: 'Messages accepted over SMTP (answered 250).', registers: [this.registry] });
  readonly refused = new Counter({ name: 'guichet_messages_refused_total', help: 'Messages or recipients refused during SMTP, by reason.', labelNames: ['reason'], registers: [this.registry] });
  readonly ticketsCreated = new Counter({ name: 'guichet_tickets_created_total', help: 'Tickets opened.', registers: [this.registry] });
  readonly autoReplies = new Counter({ name: 'guichet_auto_replies_total', help: 'Automatic mails to customers, queued or suppressed.', labelNames: ['result'], registers: [this.registry] });
  readonly outboxSent = new Counter({ name: 'guichet_outbox_sent_total', help: 'Mails handed to the relay or written to the outbox directory.', registers: [this.registry] });
  readonly outboxFailures = new Counter({ name: 'guichet_outbox_failures_total', help: 'Send attempts that failed, by kind.', labelNames: ['kind'], registers: [this.registry] });
  readonly processing = new Histogram({
    name: 'guichet_processing_seconds',
    help: 'Time from the 250 answer to the message being filed.',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  constructor(db: Kysely<Database>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'guichet_process_' });
    const registry = this.registry;
    new Gauge({
      name: 'guichet_outbox_depth',
      help: 'Mails queued and not yet sent.',
      registers: [registry],
      async collect() {
        const row = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('state', '=', 'queued').executeTakeFirstOrThrow();
        this.set(Number(row.n));
      },
    });
    new Gauge({
      name: 'guichet_tickets',
      help: 'Tickets by status.',
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        this.reset();
        const rows = await db.selectFrom('tickets').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
        for (const row of rows) this.set({ status: row.status }, Number(row.n));
      },
    });
    new Gauge({
      name: 'guichet_spool_entries',
      help: 'Spool entries by state (pending, filed, quarantined, held).',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        this.reset();
        const rows = await db.selectFrom('spool').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('state').execute();
        for (const row of rows) this.set({ state: row.state }, Number(row.n));
      },
    });
  }
}
