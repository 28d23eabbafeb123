/**
 * kysely's SQLite dialect, with waits for a database locked by another process taken off the
 * event loop. better-sqlite3 is synchronous: with SQLite's own busy handler doing the waiting,
 * a CLI command holding the write lock froze the whole gateway (every SMTP session, every
 * timer) for as long as it held it. Here SQLite waits only briefly itself (`busy_timeout`, set
 * by the caller), and a statement that still finds the database busy is retried after a timer,
 * up to a deadline; past it the SQLITE_BUSY error goes to the caller (the spool answers 451).
 *
 * Retrying one statement is what SQLite allows: a statement that fails with SQLITE_BUSY is
 * undone alone and its transaction stays open, and a COMMIT that fails so may be repeated.
 * SQLITE_BUSY_SNAPSHOT (a transaction's snapshot went stale) is not retried: only its whole
 * transaction could be, so it fails as before.
 */
import { SqliteDialect, type CompiledQuery, type DatabaseConnection, type Driver, type QueryResult, type SqliteDialectConfig, type TransactionSettings } from 'kysely';

export interface BusyWait {
  /** Give up and report SQLITE_BUSY after this long. */
  deadlineMs: number;
  /** First pause between attempts; doubles up to maxPauseMs. */
  firstPauseMs: number;
  maxPauseMs: number;
}

export class BusyWaitingSqliteDialect extends SqliteDialect {
  constructor(
    config: SqliteDialectConfig,
    private readonly wait: BusyWait,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    return new BusyWaitingDriver(super.createDriver(), this.wait);
  }
}

export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_RECOVERY' || code === 'SQLITE_BUSY_TIMEOUT';
}

class BusyWaitingDriver implements Driver {
  private readonly wrapped = new WeakMap<DatabaseConnection, BusyWaitingConnection>();

  constructor(
    private readonly inner: Driver,
    private readonly wait: BusyWait,
  ) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await this.inner.acquireConnection();
    let wrapper = this.wrapped.get(connection);
    if (!wrapper) {
      wrapper = new BusyWaitingConnection(connection, this.wait);
      this.wrapped.set(connection, wrapper);
    }
    return wrapper;
  }

  // The inner driver runs BEGIN, COMMIT and savepoints through the connection it is given,
  // which is the waiting wrapper: they are retried like any statement.
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

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection((connection as BusyWaitingConnection).inner);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

class BusyWaitingConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly wait: BusyWait,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
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

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}
