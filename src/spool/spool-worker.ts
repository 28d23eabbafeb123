/**
 * Drains the spool in arrival order. On start it first removes spool files that have no row
 * (their sender never got a 250, so they were never accepted) and then files whatever was left
 * pending by a previous run. A failing entry is retried with backoff and, after a few attempts,
 * quarantined with the error so one poisonous message cannot stall the queue.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PollingLoop } from '../polling-loop.js';
import type { SpoolRow } from '../store/database-schema.js';
import { deferSpoolEntry, listPendingSpool } from '../store/spool-repo.js';
import { fileSpoolEntry, prepareSpoolEntry, quarantineSpoolEntry, type PipelineDeps, type PreparedEntry, type ProcessResult } from './process-spool-entry.js';

const MAX_ATTEMPTS = 5;
const BATCH = 32;
const PREPARE_CONCURRENCY = 8;

export class SpoolWorker {
  private readonly loop: PollingLoop;

  constructor(
    private readonly deps: PipelineDeps,
    private readonly onFiled: () => void,
    pollMs = 1000,
  ) {
    this.loop = new PollingLoop(() => this.processPending(), pollMs, deps.logger);
  }

  async start(): Promise<void> {
    await removeUnacceptedFiles(this.deps);
    this.loop.start();
  }

  wake(): void {
    this.loop.wake();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Prepares a batch with bounded concurrency, then files it one entry at a time, in arrival order. */
  async processPending(): Promise<number> {
    const entries = await listPendingSpool(this.deps.db, BATCH, new Date().toISOString());
    // Every log line about a message carries its spool id.
    const depsFor = (entry: SpoolRow) => ({ ...this.deps, logger: this.deps.logger.child({ spoolId: entry.id }) });
    const prepared = await mapWithConcurrency(entries, PREPARE_CONCURRENCY, (entry) => this.attempt(entry, () => prepareSpoolEntry(depsFor(entry), entry)));
    for (const [index, entry] of entries.entries()) {
      const ready = prepared[index];
      if (ready && !('kind' in ready)) await this.attempt(entry, () => fileSpoolEntry(depsFor(entry), ready as PreparedEntry));
    }
    if (entries.length > 0) this.onFiled();
    return entries.length;
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
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const attempt = entry.attempts + 1;
    this.deps.logger.error({ spoolId: entry.id, attempt, err: error }, 'processing failed');
    if (attempt >= MAX_ATTEMPTS) {
      await quarantineSpoolEntry(this.deps.db, entry.id, 'PROCESSING_FAILED', detail);
      return;
    }
    await deferSpoolEntry(this.deps.db, entry.id, detail, new Date(Date.now() + 1000 * 2 ** attempt).toISOString());
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

async function removeUnacceptedFiles({ db, config, logger }: PipelineDeps): Promise<void> {
  const dir = join(config.dataDir, 'spool');
  const files = (await readdir(dir).catch(() => [] as string[])).filter((name) => name.endsWith('.eml'));
  if (files.length === 0) return;
  for (let start = 0; start < files.length; start += 500) {
    const batch = files.slice(start, start + 500);
    const ids = batch.map((name) => name.replace(/\.eml$/, ''));
    const known = new Set((await db.selectFrom('spool').select('id').where('id', 'in', ids).execute()).map((row) => row.id));
    for (const name of batch) {
      if (known.has(name.replace(/\.eml$/, ''))) continue;
      await rm(join(dir, name), { force: true });
      logger.info({ file: name }, 'removed spool file that was never acknowledged');
    }
  }
}
