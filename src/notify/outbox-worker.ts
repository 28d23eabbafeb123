/**
 * Drains the outbox: sends due rows one by one through the Mailer, in queue order (so mails of
 * one ticket keep their order), then marks them sent, deferred with backoff (temporary failure)
 * or failed (permanent failure, or attempts exhausted). A failure is recorded on the ticket's
 * decisions log. Delivery is at least once: a crash between the relay's 250 and the update
 * resends the same mail with the same Message-ID.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Metrics } from '../admin/metrics.js';
import type { Database, OutboxRow } from '../store/database-schema.js';
import { recordDecision } from '../store/decision-repo.js';
import { deferMail, listDueMail, markMailFailed, markMailSent } from '../store/outbox-repo.js';
import { MailerError, type Mailer } from './mailer.js';
import type { OutgoingMail } from './outgoing-mail.js';
import { retryDelayMs } from './retry-delay.js';
import { PollingLoop } from '../polling-loop.js';

export interface OutboxWorkerOptions {
  metrics?: Metrics;
  maxAttempts: number;
  retryBaseMs: number;
  pollMs?: number;
}

export class OutboxWorker {
  private readonly loop: PollingLoop;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly mailer: Mailer,
    private readonly logger: Logger,
    private readonly options: OutboxWorkerOptions,
  ) {
    this.loop = new PollingLoop(() => this.sendDue(), options.pollMs ?? 1000, logger);
  }

  start(): void {
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    this.mailer.close();
  }

  /** Sends what is due now; returns how many rows it handled. */
  async sendDue(): Promise<number> {
    const rows = await listDueMail(this.db, new Date().toISOString(), 20);
    for (const row of rows) await this.sendOne(row);
    return rows.length;
  }

  private async sendOne(row: OutboxRow): Promise<void> {
    const mail = JSON.parse(row.payload_json) as OutgoingMail;
    try {
      await this.mailer.send(mail, row.id);
      await markMailSent(this.db, row.id, new Date().toISOString());
      this.options.metrics?.outboxSent.inc();
      this.logger.info({ outboxId: row.id, ticketId: row.ticket_id, event: row.event }, 'mail sent');
    } catch (error) {
      const failure = error instanceof MailerError ? error : new MailerError(String(error), false);
      const attempt = row.attempts + 1;
      this.options.metrics?.outboxFailures.inc({ kind: failure.permanent ? 'permanent' : 'temporary' });
      if (failure.permanent || attempt >= this.options.maxAttempts) {
        await markMailFailed(this.db, row.id, failure.message);
        await recordDecision(this.db, {
          spoolId: null,
          ticketId: row.ticket_id,
          stage: 'notify',
          code: failure.permanent ? 'NOTIFY_SEND_REFUSED' : 'NOTIFY_SEND_GAVE_UP',
          detail: `${row.event} to ${mail.to.join(', ')}: ${failure.message}`,
        });
        this.logger.warn({ outboxId: row.id, ticketId: row.ticket_id, err: failure.message }, 'mail failed for good');
        return;
      }
      const next = new Date(Date.now() + retryDelayMs(attempt, this.options.retryBaseMs)).toISOString();
      await deferMail(this.db, row.id, failure.message, next);
      this.logger.info({ outboxId: row.id, attempt, next, err: failure.message }, 'mail deferred');
    }
  }
}
