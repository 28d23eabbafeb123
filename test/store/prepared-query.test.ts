/**
 * A query compiled once runs with each call's own values, in the right places, on whichever
 * store the suite runs on (SQLite by default, PostgreSQL with GUICHET_TEST_POSTGRES).
 */
import { describe, expect, it } from 'vitest';
import { prepareQuery } from '../../src/store/prepared-query.js';
import { useTemporaryStore } from '../support/temporary-store.js';

const store = useTemporaryStore('guichet-prepared-');

describe('prepareQuery', () => {
  it('builds once and runs with each call’s values, constants kept, undefined as null', async () => {
    const { db } = store;
    let builds = 0;
    const insert = prepareQuery((db, v: { code: string; detail?: string | null; at: string }) => {
      builds += 1;
      // A constant between the values, and a value used twice.
      return db.insertInto('decisions').values({ spool_id: null, ticket_id: 7, stage: 'thread', code: v.code, detail: v.detail, created_at: v.at }).returning(['id', 'code']);
    });
    const select = prepareQuery((db, v: { code: string; after: string }) => {
      builds += 1;
      return db.selectFrom('decisions').select(['code', 'detail', 'ticket_id']).where('code', '=', v.code).where('created_at', '>', v.after).where('stage', '=', 'thread').orderBy('id');
    });
    const first = await insert(db, { code: 'A', detail: 'one', at: '2026-11-25T10:00:00.000Z' });
    const second = await insert(db, { code: 'B', detail: undefined, at: '2026-11-25T11:00:00.000Z' });
    await insert(db, { code: 'B', detail: 'three', at: '2026-11-25T09:00:00.000Z' });
    expect(first.rows[0]?.code).toBe('A');
    expect(second.rows[0]!.id).toBeGreaterThan(first.rows[0]!.id);
    expect((await select(db, { code: 'B', after: '2026-11-25T08:00:00.000Z' })).rows).toEqual([
      { code: 'B', detail: null, ticket_id: 7 },
      { code: 'B', detail: 'three', ticket_id: 7 },
    ]);
    expect((await select(db, { code: 'B', after: '2026-11-25T10:30:00.000Z' })).rows).toEqual([{ code: 'B', detail: null, ticket_id: 7 }]);
    expect((await select(db, { code: 'A', after: '2026-11-25T08:00:00.000Z' })).rows).toEqual([{ code: 'A', detail: 'one', ticket_id: 7 }]);
    expect(builds).toBe(2);
  });

  it('runs inside a transaction, whose rollback undoes it', async () => {
    const { db } = store;
    const insert = prepareQuery((db, v: { code: string }) => db.insertInto('decisions').values({ spool_id: null, ticket_id: null, stage: 'spool', code: v.code, detail: null, created_at: '2026-11-25T10:00:00.000Z' }));
    await insert(db, { code: 'KEPT' });
    await db
      .transaction()
      .execute(async (trx) => {
        await insert(trx, { code: 'UNDONE' });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect((await db.selectFrom('decisions').select('code').execute()).map((row) => row.code)).toEqual(['KEPT']);
  });
});
