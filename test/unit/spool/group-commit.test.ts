import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../../src/group-commit.js';
import { isSpoolId, newSpoolId } from '../../../src/spool/new-spool-id.js';

describe('GroupCommit', () => {
  it('commits rows that arrive during a commit together, in order', async () => {
    const batches: number[][] = [];
    const group = new GroupCommit<number>(async (rows) => {
      batches.push([...rows]);
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
    const first = group.commit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const rest = [2, 3, 4].map((row) => group.commit(row));
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('rejects every row of a failed batch and recovers for the next', async () => {
    let fail = true;
    const group = new GroupCommit<number>(async () => {
      if (fail) throw new Error('disk full');
    });
    const results = await Promise.allSettled([group.commit(1), group.commit(2)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(group.commit(3)).resolves.toBeUndefined();
  });
});

describe('spool ids', () => {
  it('sort by time and are unique', () => {
    const early = newSpoolId(1_000);
    const late = newSpoolId(2_000_000_000_000);
    expect(isSpoolId(early) && isSpoolId(late)).toBe(true);
    expect([late, early].sort()).toEqual([early, late]);
    expect(newSpoolId(5)).not.toBe(newSpoolId(5));
  });
});
