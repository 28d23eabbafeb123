/**
 * A store of its own for each test of a suite: a temporary data directory and the store the
 * suite runs on (SQLite there, or a fresh PostgreSQL database with GUICHET_TEST_POSTGRES),
 * migrated, then closed, dropped and removed after the test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach } from 'vitest';
import type { Database } from '../../src/store/database-schema.js';
import { openStore } from '../../src/store/open-database.js';
import { createTestStore, type TestStore } from './test-store.js';

export interface TemporaryStore {
  /** The current test's data directory and database. */
  readonly dataDir: string;
  readonly db: Kysely<Database>;
}

/** Registers the suite's beforeEach and afterEach; read `dataDir` and `db` inside a test. */
export function useTemporaryStore(prefix: string): TemporaryStore {
  let current: { dataDir: string; store: TestStore; db: Kysely<Database> } | null = null;
  beforeEach(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), prefix));
    const store = await createTestStore();
    current = { dataDir, store, db: await openStore({ dataDir, store: { poolSize: 2, ...store.config } }) };
  });
  afterEach(async () => {
    if (!current) return;
    await current.db.destroy();
    await current.store.drop();
    rmSync(current.dataDir, { recursive: true, force: true });
    current = null;
  });
  const opened = () => {
    if (!current) throw new Error('useTemporaryStore: read only inside a test');
    return current;
  };
  return {
    get dataDir() {
      return opened().dataDir;
    },
    get db() {
      return opened().db;
    },
  };
}
