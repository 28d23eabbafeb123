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
 *   synchronous=NORMAL, so COMMIT only writes the WAL, and the statement's promise settles once
 *   the WAL has been fdatasync'd in the thread pool. Callers see what synchronous=FULL gives
 *   (a commit reported done is on disk), without the event loop stopping for the disk.
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

  /**
   * When the COMMIT ran but its fsync failed, kysely rolls back: there is no transaction left to
   * undo, and the ROLLBACK's own error ("no transaction is active") would hide the I/O error.
   */
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.commitSync && !this.commitSync.inTransaction()) return;
    await this.inner.rollbackTransaction(connection);
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

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection((connection as NonBlockingConnection).inner);
  }

  async destroy(): Promise<void> {
    await this.commitSync?.close();
    await this.inner.destroy();
  }
}

/** Statements that can neither change the database nor end a transaction. */
const READ_ONLY = /^\s*(select|rollback)\b/i;

class NonBlockingConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly wait: BusyWait,
    private readonly commitSync: CommitSync | null,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.executeWaitingForLock<R>(query);
    // A write outside BEGIN … COMMIT, or the COMMIT itself, has just committed.
    if (this.commitSync && !READ_ONLY.test(query.sql) && !this.commitSync.inTransaction()) await this.commitSync.sync();
    return result;
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
