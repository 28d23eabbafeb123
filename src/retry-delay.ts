/**
 * Exponential backoff for retries: base, 2×base, 4×base… capped (one hour unless told), with
 * ±10 % jitter so work deferred together by one outage (a relay down, a disk full) does not all
 * return at once. Used by the outbox for mail and by the spool worker for messages.
 */

const MAX_DELAY_MS = 60 * 60 * 1000;

export function retryDelayMs(attempt: number, baseMs: number, options: { maxMs?: number; random?: () => number } = {}): number {
  const exponential = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), options.maxMs ?? MAX_DELAY_MS);
  const jitter = 1 + ((options.random ?? Math.random)() * 0.2 - 0.1);
  return Math.round(exponential * jitter);
}
