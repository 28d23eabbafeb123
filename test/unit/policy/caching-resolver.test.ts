import { describe, expect, it } from 'vitest';
import { cachingResolver } from '../../../src/policy/caching-resolver.js';

describe('cachingResolver', () => {
  it('answers repeated questions from the cache, failures included, until they expire', async () => {
    let clock = 0;
    const asked: string[] = [];
    const resolver = cachingResolver(
      async (name, rrtype) => {
        asked.push(`${rrtype} ${name}`);
        if (name === 'missing.test') throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
        return [['v=spf1 -all']];
      },
      { ttlMs: 1000, negativeTtlMs: 100, now: () => clock },
    );
    expect(await resolver('Example.test', 'TXT')).toEqual([['v=spf1 -all']]);
    expect(await resolver('example.test', 'TXT')).toEqual([['v=spf1 -all']]);
    await expect(resolver('missing.test', 'TXT')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver('missing.test', 'TXT')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(asked).toEqual(['TXT Example.test', 'TXT missing.test']);
    clock = 500;
    await expect(resolver('missing.test', 'TXT')).rejects.toThrow();
    await resolver('example.test', 'TXT');
    expect(asked).toHaveLength(3);
    clock = 2000;
    await resolver('example.test', 'TXT');
    expect(asked).toHaveLength(4);
  });

  it('keeps at most maxEntries names', async () => {
    let calls = 0;
    const resolver = cachingResolver(async () => [[String(++calls)]], { maxEntries: 2 });
    await resolver('a.test', 'TXT');
    await resolver('b.test', 'TXT');
    await resolver('c.test', 'TXT');
    await resolver('a.test', 'TXT');
    expect(calls).toBe(4);
  });
});
