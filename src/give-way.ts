/**
 * Lets background work (filing, sending) give way to mail being received. While `isBusy()`,
 * `turn()` lets one step through per interval, whichever caller takes it; otherwise at once.
 * A sender waiting for its 250 comes first, since what is spooled is safe and can be filed or
 * answered a moment later; under a steady flood the background work still advances.
 */
export class GiveWay {
  private lastStepAt = 0;

  constructor(
    private readonly isBusy: () => boolean,
    private readonly intervalMs: number,
  ) {}

  async turn(): Promise<void> {
    while (this.isBusy() && Date.now() < this.lastStepAt + this.intervalMs) await new Promise((resolve) => setTimeout(resolve, 1));
    this.lastStepAt = Date.now();
  }
}
