/**
 * When a message whose filing failed is tried again. The faults that reach here are mostly the
 * machine's (a full disk, an unreadable spool file, the database restarting or refusing a
 * write), so the entry is retried for about an hour, as an MTA keeps deferred mail: after 2 s,
 * doubling to 10 minutes between attempts (fourteen attempts, some 57 minutes). Only then is it
 * quarantined, kept with the error, so that a message that fails every time (a bug) does not
 * cost a parse every ten minutes for ever; `guichet spool retry` files it once the cause is fixed.
 */
import { retryDelayMs } from '../retry-delay.js';

export const MAX_SPOOL_ATTEMPTS = 14;
const RETRY_BASE_MS = 2_000;
const RETRY_MAX_MS = 10 * 60_000;

/** The time of the next attempt after `attempt` failed ones, or null: quarantine the entry. */
export function nextSpoolAttemptAt(attempt: number, now: number, random: () => number = Math.random): Date | null {
  if (attempt >= MAX_SPOOL_ATTEMPTS) return null;
  return new Date(now + retryDelayMs(attempt, RETRY_BASE_MS, { maxMs: RETRY_MAX_MS, random }));
}
