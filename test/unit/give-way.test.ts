import { describe, expect, it } from 'vitest';
import { GiveWay } from '../../src/give-way.js';

describe('GiveWay', () => {
  it('lets steps through at once when nothing is being received', async () => {
    const gate = new GiveWay(() => false, 200);
    const start = Date.now();
    for (let step = 0; step < 5; step += 1) await gate.turn();
    expect(Date.now() - start).toBeLessThan(100);
  });

  it('spaces steps by the interval while mail is received, across concurrent callers', async () => {
    const gate = new GiveWay(() => true, 40);
    const times: number[] = [];
    const start = Date.now();
    await Promise.all([0, 1, 2, 3].map(async () => {
      await gate.turn();
      times.push(Date.now() - start);
    }));
    times.sort((a, b) => a - b);
    // The first goes at once; each next one at least an interval after the previous.
    expect(times[0]).toBeLessThan(30);
    for (let index = 1; index < times.length; index += 1) expect(times[index]! - times[index - 1]!).toBeGreaterThanOrEqual(35);
  });

  it('releases waiting steps as soon as receiving stops', async () => {
    let busy = true;
    const gate = new GiveWay(() => busy, 10_000);
    await gate.turn();
    const waiting = gate.turn();
    setTimeout(() => (busy = false), 50);
    const start = Date.now();
    await waiting;
    expect(Date.now() - start).toBeLessThan(1000);
  });
});
