/**
 * Drains the outbox: sends due rows one by one through the Mailer, in queue order (so mails of
 * one ticket keep their order), then marks them sent, deferred with backoff (temporary failure)
 * or failed (permanent failure, or attempts exhausted). A failure is recorded on the ticket's
 * decisions log. Delivery is at least once: a crash between the relay's 250 and the update
 * resends the same mail with the same Message-ID.
 * Marks of sent mail are group-committed: the next mail goes out while the last mark is being
 * made durable, and marks that pile up meanwhile share one commit (one WAL fsync), instead of
 * a commit and an fsync per mail, awaited before the next. A crash can then resend the few mails
 * of the commit in flight, where it could resend one. The batch waits for all its marks before
 * the next claim, so a ticket's next mail is never claimed before the previous one is marked.
 * A mark the store refuses is kept in memory and made before anything else is claimed or sent:
 * the row is still queued under this gateway's claim, and claiming it again would resend it at
 * every pass for as long as the store fails. Only a crash meanwhile (or, with several gateways,
 * the claim expiring first) sends it again.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Metrics } from '../admin/metrics.js';
import type { Database, OutboxRow } from '../store/database-schema.js';
import { recordDecision } from '../store/decision-repo.js';
import { claimDueMail, deferMail, markMailFailed, markMailsSent, releaseMailClaims } from '../store/outbox-repo.js';
import { GroupCommit } from '../group-commit.js';
import { isPostgres } from '../store/store-dialect.js';
import { MailerError, type Mailer } from './mailer.js';
import type { OutgoingMail } from './outgoing-mail.js';
import { retryDelayMs } from '../retry-delay.js';
import { GiveWay } from '../give-way.js';
import { PollingLoop } from '../polling-loop.js';

export interface OutboxWorkerOptions {
  metrics?: Metrics;
  maxAttempts: number;
  retryBaseMs: number;
  pollMs?: number;
  /** Names this gateway's claims on outbox rows when several gateways share a database. */
  gatewayId?: string;
  /** True while mail is being received: sending gives way to it (see give-way.ts). */
  isReceiving?: () => boolean;
}

/** Longer than sending a batch takes with the relay's timeouts; how long a dead gateway's mail waits. */
const CLAIM_LEASE_MS = 300_000;
const BATCH = 20;
/** While mail is being received, one mail sent per this interval. */
const GIVE_WAY_MS = 50;

export class OutboxWorker {
  private readonly loop: PollingLoop;
  private readonly giveWay: GiveWay;
  private readonly sentMarks = new GroupCommit<number>((ids) => markMailsSent(this.db, ids, new Date().toISOString()));
  /** Sent, but the store refused the mark: made at the start of the next pass. */
  private readonly unmarked = new Set<number>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly mailer: Mailer,
    private readonly logger: Logger,
    private readonly options: OutboxWorkerOptions,
  ) {
    this.loop = new PollingLoop(() => this.sendDue(), options.pollMs ?? 1000, logger);
    this.giveWay = new GiveWay(options.isReceiving ?? (() => false), GIVE_WAY_MS);
  }

  async start(): Promise<void> {
    // On SQLite this is the only gateway: claims left by a killed run are stale.
    if (!isPostgres(this.db)) await releaseMailClaims(this.db, null);
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    // Last chance for refused marks: forgotten here, their mails would go out again on restart.
    if (this.unmarked.size > 0) {
      await this.markUnmarked().catch((error: unknown) => this.logger.error({ err: error, outboxIds: [...this.unmarked] }, 'sent mail still not marked sent at stop'));
    }
    this.mailer.close();
    await releaseMailClaims(this.db, this.gatewayId).catch(() => undefined);
  }

  private get gatewayId(): string {
    return this.options.gatewayId ?? 'local';
  }

  /** Sends what is due now; returns how many rows it handled. */
  async sendDue(): Promise<number> {
    // While this throws, the pass fails and is retried after the poll interval: nothing new goes
    // out whose sending the store might not keep either.
    if (this.unmarked.size > 0) await this.markUnmarked();
    const now = Date.now();
    const rows = await claimDueMail(this.db, this.gatewayId, new Date(now).toISOString(), BATCH, new Date(now + CLAIM_LEASE_MS).toISOString());
    const marks: Promise<void>[] = [];
    for (const row of rows) {
      await this.giveWay.turn();
      await this.sendOne(row, marks);
    }
    await Promise.all(marks);
    return rows.length;
  }

  private async markUnmarked(): Promise<void> {
    const ids = [...this.unmarked];
    await markMailsSent(this.db, ids, new Date().toISOString());
    for (const id of ids) this.unmarked.delete(id);
    this.logger.info({ outboxIds: ids }, 'sent mail marked sent after a failed mark');
  }

  /** Sends one mail; the promise of its mark as sent goes to `marks`. */
  private async sendOne(row: OutboxRow, marks: Promise<void>[]): Promise<void> {
    const mail = JSON.parse(row.payload_json) as OutgoingMail;
    try {
      await this.mailer.send(mail, row.id);
      marks.push(
        this.sentMarks.commit(row.id).catch((error: unknown) => {
          this.unmarked.add(row.id);
          this.logger.error({ outboxId: row.id, err: error }, 'mail sent but not marked sent; marking it again before sending more');
        }),
      );
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
