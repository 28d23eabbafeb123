import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../src/retry-delay.js';

describe('retryDelayMs', () => {
  const noJitter = () => 0.5;
  it('doubles from the base and caps at one hour', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt, 30_000, { random: noJitter }))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(30, 30_000, { random: noJitter })).toBe(3_600_000);
  });

  it('caps at the maximum it is given', () => {
    expect([9, 10, 11].map((attempt) => retryDelayMs(attempt, 2_000, { maxMs: 600_000, random: noJitter }))).toEqual([512_000, 600_000, 600_000]);
  });

  it('jitters by at most 10 %', () => {
    expect(retryDelayMs(1, 1000, { random: () => 0 })).toBe(900);
    expect(retryDelayMs(1, 1000, { random: () => 0.999999 })).toBe(1100);
  });
});
