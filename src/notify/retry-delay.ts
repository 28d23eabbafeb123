/**
 * Exponential backoff for outbound retries: base, 2×base, 4×base… capped at one hour, with
 * ±10 % jitter so mails deferred together by a relay outage do not all return at once.
 */

const MAX_DELAY_MS = 60 * 60 * 1000;

export function retryDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), MAX_DELAY_MS);
  const jitter = 1 + (random() * 0.2 - 0.1);
  return Math.round(exponential * jitter);
}
