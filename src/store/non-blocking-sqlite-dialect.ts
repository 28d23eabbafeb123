/**
 * kysely's SQLite dialect, with SQLite's two waits taken off the event loop. better-sqlite3 is
 * synchronous, so whatever SQLite waits for, the whole gateway waits for: every SMTP session,
 * every timer.
 *
 * - A database locked by another process (a CLI command): SQLite waits only briefly itself
 *   (`busy_timeout`, set by the caller), and a statement that still finds the database busy is
 *   retried after a timer, up to a deadline; past it SQLITE_BUSY goes to the caller (the spool
 *   answers 451). A statement that fails with SQLITE_BUSY is undone alone and its transaction
 *   stays open, and a COMMIT that fails so may be repeated. SQLITE_BUSY_SNAPSHOT (the
 *   transaction's snapshot went stale) is not retried: only the whole transaction could be.
 * - The fsync that makes a commit durable (optional, `commitSync`): the connection runs with
 *   synchronous=NORMAL, so COMMIT only writes the WAL, and the caller's promise (the query's, or
 *   the whole transaction's) settles once the WAL has been fdatasync'd in the thread pool.
 *   Callers see what synchronous=FULL gives (a commit reported done is on disk), without the
 *   event loop stopping for the disk. The connection itself is handed on as soon as COMMIT has
 *   run: SQLite has a single connection here, and the next transaction (another session's group
 *   commit, a filing batch) can write its frames while the previous commit's fsync runs; its own
 *   fsync then covers both. What it reads may not be on disk yet, but nothing is reported done
 *   to anyone before its own commit is.
 */
import { SqliteDialect, type CompiledQuery, type DatabaseConnection, type Driver, type QueryResult, type SqliteDialectConfig, type TransactionSettings } from 'kysely';

export interface BusyWait {
  /** Give up and report SQLITE_BUSY after this long. */
  deadlineMs: number;
  /** First pause between attempts; doubles up to maxPauseMs. */
  firstPauseMs: number;
  maxPauseMs: number;
}

/** How a commit is made durable off the event loop (see WalSync). */
export interface CommitSync {
  /** True while the connection is inside BEGIN … COMMIT (nothing is committed yet). */
  inTransaction(): boolean;
  /** Resolves once everything committed so far is on disk. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export class NonBlockingSqliteDialect extends SqliteDialect {
  constructor(
    config: SqliteDialectConfig,
    private readonly wait: BusyWait,
    private readonly commitSync: CommitSync | null = null,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new NonBlockingDriver(super.createDriver(), this.wait, this.commitSync);
  }
}

export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_RECOVERY' || code === 'SQLITE_BUSY_TIMEOUT';
}

class NonBlockingDriver implements Driver {
  private readonly wrapped = new WeakMap<DatabaseConnection, NonBlockingConnection>();

  constructor(
    private readonly inner: Driver,
    private readonly wait: BusyWait,
    private readonly commitSync: CommitSync | null,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    let wrapper = this.wrapped.get(connection);
    if (!wrapper) {
      wrapper = new NonBlockingConnection(connection, this.wait, this.commitSync);
      this.wrapped.set(connection, wrapper);
    }
    return wrapper;
  }

  // The inner driver runs BEGIN, COMMIT and savepoints through the connection it is given,
  // which is the wrapper: they wait and sync like any statement.
  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return this.inner.beginTransaction(connection, settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  savepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['savepoint']>>[2]): Promise<void> {
    return this.inner.savepoint!(connection, name, compile);
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['rollbackToSavepoint']>>[2]): Promise<void> {
    return this.inner.rollbackToSavepoint!(connection, name, compile);
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['releaseSavepoint']>>[2]): Promise<void> {
    return this.inner.releaseSavepoint!(connection, name, compile);
  }

  /** Frees the connection first, then waits for the commit it made (if any) to be on disk. */
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const wrapper = connection as NonBlockingConnection;
    const committed = wrapper.takePendingSync();
    await this.inner.releaseConnection(wrapper.inner);
    await committed;
  }

  async destroy(): Promise<void> {
    await this.commitSync?.close();
    await this.inner.destroy();
  }
}

/** Statements that can neither change the database nor end a transaction. */
const READ_ONLY = /^\s*(select|rollback)\b/i;

class NonBlockingConnection implements DatabaseConnection {
  /** The fsync of the last commit made on this connection since it was acquired. */
  private pendingSync: Promise<void> | null = null;

  constructor(
    readonly inner: DatabaseConnection,
    private readonly wait: BusyWait,
    private readonly commitSync: CommitSync | null,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.executeWaitingForLock<R>(query);
    // A write outside BEGIN … COMMIT, or the COMMIT itself, has just committed: its fsync starts
    // now and is awaited when the connection is released. A later sync covers earlier commits.
    if (this.commitSync && !READ_ONLY.test(query.sql) && !this.commitSync.inTransaction()) {
      const sync = this.commitSync.sync();
      sync.catch(() => undefined); // seen by releaseConnection
      this.pendingSync = sync;
    }
    return result;
  }

  takePendingSync(): Promise<void> | null {
    const pending = this.pendingSync;
    this.pendingSync = null;
    return pending;
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }

  private async executeWaitingForLock<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const deadline = Date.now() + this.wait.deadlineMs;
    let pause = this.wait.firstPauseMs;
    for (;;) {
      try {
        return await this.inner.executeQuery<R>(query);
      } catch (error) {
        if (!isSqliteBusy(error) || Date.now() + pause > deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, this.wait.maxPauseMs);
    }
  }
}
