/**
 * The fsync half of a SQLite commit, done in libuv's thread pool instead of on the event loop.
 * The connection runs in WAL mode with synchronous=NORMAL: COMMIT appends its frames to the WAL
 * without syncing it, and `sync()` then fdatasyncs the WAL file, which puts that commit and every
 * earlier one on disk. That is what synchronous=FULL does inside COMMIT. Crash safety of the file
 * itself is SQLite's own under NORMAL: frames not yet synced are ignored at recovery (checksums),
 * and the WAL is only rewound after a checkpoint that SQLite synced.
 * Input: the database file's path. Failure: the fdatasync error, which the commit's caller sees.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { CommitSync } from './non-blocking-sqlite-dialect.js';
import type { WalCheckpointer } from './wal-checkpointer.js';

export class WalSync implements CommitSync {
  private handle: Promise<FileHandle> | null = null;
  /** The fdatasync in flight; a caller arriving during it waits for the next one, which covers its commit. */
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(
    private readonly databaseFile: string,
    readonly inTransaction: () => boolean,
    /** Copies the WAL back into the database file off the event loop, when the store has one. */
    private readonly checkpointer: WalCheckpointer | null = null,
  ) {}

  sync(): Promise<void> {
    this.checkpointer?.noteCommit();
    if (!this.running) return this.start();
    this.queued ??= this.running.then(
      () => this.start(),
      () => this.start(),
    );
    return this.queued;
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    const handle = this.handle;
    this.handle = null;
    await (await handle?.catch(() => null))?.close();
  }

  private start(): Promise<void> {
    this.queued = null;
    const run = this.fdatasync().finally(() => {
      if (this.running === run) this.running = null;
    });
    this.running = run;
    return run;
  }

  private async fdatasync(): Promise<void> {
    // Opened on first use: the WAL file exists from the first write on. SQLite keeps it (same
    // inode) while this connection is open, so the handle stays valid.
    this.handle ??= open(`${this.databaseFile}-wal`, 'r');
    try {
      await (await this.handle).datasync();
    } catch (error) {
      this.handle = null;
      throw error;
    }
  }
}
