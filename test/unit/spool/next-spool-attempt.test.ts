import { describe, expect, it } from 'vitest';
import { MAX_SPOOL_ATTEMPTS, nextSpoolAttemptAt } from '../../../src/spool/next-spool-attempt.js';

describe('nextSpoolAttemptAt', () => {
  const noJitter = () => 0.5;

  it('retries after 2 s, doubling up to 10 minutes between attempts', () => {
    const delays = [1, 2, 3, 9, 10, 13].map((attempt) => nextSpoolAttemptAt(attempt, 0, noJitter)!.getTime());
    expect(delays).toEqual([2_000, 4_000, 8_000, 512_000, 600_000, 600_000]);
  });

  it('keeps trying for close to an hour, outlasting a database restart or a disk being cleaned up, then quarantines', () => {
    let waited = 0;
    let attempt = 1;
    for (let next = nextSpoolAttemptAt(attempt, 0, noJitter); next; next = nextSpoolAttemptAt(++attempt, 0, noJitter)) waited += next.getTime();
    expect(attempt).toBe(MAX_SPOOL_ATTEMPTS);
    expect(waited / 60_000).toBeGreaterThan(50);
    expect(waited / 60_000).toBeLessThan(65);
  });
});
