/**
 * A worker loop shared by the spool and outbox workers: run a pass, and if it did nothing wait
 * for a wake-up or the poll interval. The interval is the safety net (another process queued
 * work, a deferred row came due); wake() gives sub-millisecond reaction in the normal case.
 * A pass that throws is logged and retried after the interval, never crashing the process.
 */
import type { Logger } from 'pino';

export class PollingLoop {
  private running = false;
  private finished: Promise<void> = Promise.resolve();
  private wakeUp: (() => void) | null = null;
  private woken = false;

  constructor(
    private readonly pass: () => Promise<number>,
    private readonly pollMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.finished = this.run();
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.finished;
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      let handled = 0;
      try {
        handled = await this.pass();
      } catch (error) {
        this.logger.error({ err: error }, 'worker pass failed; retrying after the poll interval');
      }
      if (handled === 0 && !this.woken && this.running) await this.sleep();
    }
  }

  private sleep(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.pollMs);
      const wakeUp = () => done();
      this.wakeUp = wakeUp;
      function done() {
        clearTimeout(timer);
        resolve();
      }
    }).then(() => {
      this.wakeUp = null;
    });
  }
}
