/**
 * Drains the spool in arrival order. On start it first removes spool files that have no row
 * (their sender never got a 250, so they were never accepted) and then files whatever was left
 * pending by a previous run. A failing entry is retried with backoff for about an hour (see
 * next-spool-attempt.ts) and then quarantined with the error; a deferred entry never holds up
 * the others.
 *
 * Entries are claimed (a lease in the row) before work starts, so several gateways sharing one
 * PostgreSQL database and data directory take different entries; filing re-checks the entry
 * under a row lock, so an expired lease can cost duplicated parsing, never a duplicated ticket.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { GiveWay } from '../give-way.js';
import { isGuichetError } from '../guichet-error.js';
import { PollingLoop } from '../polling-loop.js';
import type { SpoolRow } from '../store/database-schema.js';
import { claimPendingSpool, deferSpoolEntry, releaseSpoolClaims } from '../store/spool-repo.js';
import { isPostgres } from '../store/store-dialect.js';
import { nextSpoolAttemptAt } from './next-spool-attempt.js';
import { fileSpoolEntries, prepareSpoolEntry, quarantineSpoolEntry, type BatchResult, type PipelineDeps, type PreparedEntry, type ProcessResult } from './process-spool-entry.js';

const BATCH = 32;
const PREPARE_CONCURRENCY = 8;
/** Long enough for a batch of the largest messages; how long a dead gateway's entries wait. */
const CLAIM_LEASE_MS = 120_000;
const LARGE_MESSAGE_BYTES = 1024 * 1024;
/**
 * Prepared entries filed per transaction: one commit, so one WAL fsync, for several messages;
 * small enough that the transaction never holds the database for long (about 4 × 3 ms).
 */
const FILE_BATCH = 4;
/** While mail is being received, one step (preparing or filing an entry) per this interval: 10 messages a second at least. */
const GIVE_WAY_MS = 50;
/** With other gateways writing to the same spool directory, a file without a row may be one still arriving. */
const SHARED_ORPHAN_AGE_MS = 3_600_000;

export class SpoolWorker {
  private readonly loop: PollingLoop;
  private readonly giveWay: GiveWay;
  private readonly largeLane = new Lane();

  constructor(
    private readonly deps: PipelineDeps,
    private readonly onFiled: () => void,
    pollMs = 1000,
    private readonly gatewayId = 'local',
    isReceiving: () => boolean = () => false,
  ) {
    this.giveWay = new GiveWay(isReceiving, GIVE_WAY_MS);
    this.loop = new PollingLoop(() => this.processPending(), pollMs, deps.logger);
  }

  /** What the worker prepares and files with (tests drive the pipeline's steps directly). */
  get pipelineDeps(): PipelineDeps {
    return this.deps;
  }

  async start(): Promise<void> {
    const shared = isPostgres(this.deps.db);
    // On SQLite this is the only gateway: claims left by a killed run are stale.
    if (!shared) await releaseSpoolClaims(this.deps.db, null);
    await removeUnacceptedFiles(this.deps, shared ? SHARED_ORPHAN_AGE_MS : 0);
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    await releaseSpoolClaims(this.deps.db, this.gatewayId).catch(() => undefined);
  }

  /** Prepares a batch with bounded concurrency, then files it in arrival order, a few entries per commit. */
  async processPending(): Promise<number> {
    const now = Date.now();
    const entries = await claimPendingSpool(this.deps.db, this.gatewayId, BATCH, new Date(now).toISOString(), new Date(now + CLAIM_LEASE_MS).toISOString());
    // Every log line about a message carries its spool id.
    const depsFor = (entry: SpoolRow) => ({ ...this.deps, logger: this.deps.logger.child({ spoolId: entry.id }) });
    const prepared = await mapWithConcurrency(entries, PREPARE_CONCURRENCY, async (entry) => {
      await this.giveWay.turn();
      // Large messages one at a time: parsing and hashing one holds a few megabytes of buffers.
      const release = entry.size > LARGE_MESSAGE_BYTES ? await this.largeLane.acquire() : () => undefined;
      try {
        return await this.attempt(entry, () => prepareSpoolEntry(depsFor(entry), entry));
      } finally {
        release();
      }
    });
    const ready = prepared.filter((item): item is PreparedEntry => item !== null && !('kind' in item));
    for (let start = 0; start < ready.length; start += FILE_BATCH) {
      await this.giveWay.turn();
      await this.fileBatch(ready.slice(start, start + FILE_BATCH));
    }
    if (entries.length > 0) this.onFiled();
    return entries.length;
  }

  /** Files entries in one transaction; each that failed, or all if the transaction did, is deferred or quarantined. */
  private async fileBatch(batch: PreparedEntry[]): Promise<void> {
    let results: BatchResult[];
    try {
      results = await fileSpoolEntries(this.deps, batch);
    } catch (error) {
      results = batch.map(() => ({ kind: 'failed', error }));
    }
    for (const [index, result] of results.entries()) {
      if (result.kind === 'failed') await this.recordFailure(batch[index]!.entry, result.error);
    }
  }

  /** Runs one step for an entry; a failure defers the entry (or quarantines it after MAX_ATTEMPTS). */
  private async attempt<T extends PreparedEntry | ProcessResult>(entry: SpoolRow, step: () => Promise<T>): Promise<T | null> {
    try {
      return await step();
    } catch (error) {
      await this.recordFailure(entry, error);
      return null;
    }
  }

  private async recordFailure(entry: SpoolRow, error: unknown): Promise<void> {
    // The code first, so `guichet spool list` says which fault it was (PARSE_ATTACHMENT_WRITE_FAILED…).
    const detail = isGuichetError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const attempt = entry.attempts + 1;
    this.deps.logger.error({ spoolId: entry.id, attempt, err: error }, 'processing failed');
    const next = nextSpoolAttemptAt(attempt, Date.now());
    if (!next) {
      await quarantineSpoolEntry(this.deps, entry, 'PROCESSING_FAILED', detail);
      return;
    }
    await deferSpoolEntry(this.deps.db, entry.id, detail, next.toISOString());
  }
}

async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}

async function removeUnacceptedFiles({ db, config, logger }: PipelineDeps, minAgeMs: number): Promise<void> {
  const dir = join(config.dataDir, 'spool');
  const files = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith('.eml'));
  if (files.length === 0) return;
  for (let start = 0; start < files.length; start += 500) {
    const batch = files.slice(start, start + 500);
    const ids = batch.map((name) => name.replace(/\.eml$/, ''));
    const known = new Set((await db.selectFrom('spool').select('id').where('id', 'in', ids).execute()).map((row) => row.id));
    for (const name of batch) {
      if (known.has(name.replace(/\.eml$/, ''))) continue;
      if (minAgeMs > 0 && Date.now() - (await stat(join(dir, name)).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs < minAgeMs) continue;
      await rm(join(dir, name), { force: true });
      logger.info({ file: name }, 'removed spool file that was never acknowledged');
    }
  }
}

/** One holder at a time, the others queued in order. */
class Lane {
  private tail: Promise<void> = Promise.resolve();

  async acquire(): Promise<() => void> {
    let release!: () => void;
    const previous = this.tail;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    return release;
  }
}
