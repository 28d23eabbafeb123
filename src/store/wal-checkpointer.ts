/**
 * WAL checkpoints off the event loop. A checkpoint copies the pages the WAL has gathered back
 * into the database file and fsyncs both; SQLite runs it inside the COMMIT that crosses
 * `wal_autocheckpoint`, and better-sqlite3 is synchronous, so every SMTP session waited for it
 * (about 12 ms per 4 MB on the benchmark machine, every 80 or so 50 KB messages). Here a worker
 * thread with its own connection to the same file runs a PASSIVE checkpoint a moment after
 * commits: PASSIVE never waits for or blocks the writer, and what it cannot copy yet, the next
 * one does. The main connection keeps a high `wal_autocheckpoint` as a safety net, should the
 * thread fail or fall behind.
 * Input: the database file. Nothing runs while the store is idle; under load, one checkpoint per
 * `delayMs` at most, covering all the commits of that interval.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// Plain JavaScript run with `eval: true`, so it loads the same way from the TypeScript sources
// (tests, tsx) and from the compiled build; better-sqlite3 comes by absolute path for that reason.
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
let timer = null;
function checkpoint() {
  timer = null;
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ checkpointed: true });
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
}
parentPort.on('message', (message) => {
  if (message === 'commit') {
    timer ??= setTimeout(checkpoint, workerData.delayMs);
  } else if (message === 'stop') {
    if (timer) clearTimeout(timer);
    db.close();
    parentPort.close();
  }
});
`;

export interface CheckpointerOptions {
  /** Wait this long after a commit, so one checkpoint covers the commits of a burst. */
  delayMs?: number;
  /** A checkpoint that failed (commits then checkpoint the WAL themselves, past the safety net). */
  onError?: (message: string) => void;
}

export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  /**
   * A commit was signalled and its checkpoint has not reported back yet: later commits ride on it,
   * and those made while it runs wait in the WAL (durable) for the checkpoint after the next commit.
   */
  private requested = false;
  /** Checkpoints run so far, and whether the thread has ended (tests and diagnostics). */
  checkpoints = 0;
  ended = false;

  constructor(databaseFile: string, options: CheckpointerOptions = {}) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: { file: databaseFile, driver, delayMs: options.delayMs ?? 200 },
      // The thread holds a connection and a timer, nothing else: a small heap will do.
      resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 16 },
    });
    // The gateway's own handles decide when the process may exit, not this thread.
    this.worker.unref();
    this.worker.on('message', (message: { checkpointed?: true; error?: string }) => {
      this.requested = false;
      if (message.error) options.onError?.(message.error);
      else this.checkpoints += 1;
    });
    this.worker.on('error', (error) => options.onError?.(String(error)));
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', () => {
        this.ended = true;
        resolve();
      }),
    );
  }

  /** Something was committed: a checkpoint follows within `delayMs`. Cheap enough for every commit. */
  noteCommit(): void {
    if (this.requested) return;
    this.requested = true;
    this.worker.postMessage('commit');
  }

  /** Ends the thread after any checkpoint under way, its connection closed. */
  async stop(): Promise<void> {
    this.worker.postMessage('stop');
    await this.exited;
  }
}
