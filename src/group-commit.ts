/**
 * Group commit: rows that arrive while a commit is under way are committed together in the next
 * one, rather than one fsync'd transaction each (the technique databases and Postfix's queue
 * manager use to keep durable writes cheap under concurrency). The spool commits accepted
 * messages so (each waits for its row before the SMTP `250`), the outbox the mails it has sent.
 * Input: rows; output: a promise per row that settles when its batch is durable.
 */

interface Waiter<Row> {
  row: Row;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<Row> {
  private waiting: Waiter<Row>[] = [];
  private running = false;

  constructor(private readonly commitBatch: (rows: readonly Row[]) => Promise<void>) {}

  commit(row: Row): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ row, resolve, reject });
      if (!this.running) {
        this.running = true;
        // Let the other sessions' end-of-DATA callbacks of this turn join the batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      try {
        await this.commitBatch(batch.map((waiter) => waiter.row));
        for (const waiter of batch) waiter.resolve();
      } catch (error) {
        for (const waiter of batch) waiter.reject(error);
      }
    }
    this.running = false;
  }
}
