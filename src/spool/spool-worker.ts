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
import { deferSpoolEntry, listPendingSpool, markSpoolQuarantined } from '../store/spool-repo.js';
import { recordDecision } from '../store/decision-repo.js';
import { processSpoolEntry, type PipelineDeps } from './process-spool-entry.js';

const MAX_ATTEMPTS = 5;

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

  async processPending(): Promise<number> {
    const entries = await listPendingSpool(this.deps.db, 50, new Date().toISOString());
    for (const entry of entries) await this.processOne(entry);
    if (entries.length > 0) this.onFiled();
    return entries.length;
  }

  private async processOne(entry: SpoolRow): Promise<void> {
    try {
      await processSpoolEntry(this.deps, entry);
    } catch (error) {
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      const attempt = entry.attempts + 1;
      this.deps.logger.error({ spoolId: entry.id, attempt, err: error }, 'processing failed');
      if (attempt >= MAX_ATTEMPTS) {
        const at = new Date().toISOString();
        await markSpoolQuarantined(this.deps.db, entry.id, 'PROCESSING_FAILED', detail, at);
        await recordDecision(this.deps.db, { spoolId: entry.id, ticketId: null, stage: 'spool', code: 'QUARANTINED_PROCESSING_FAILED', detail }, at);
        return;
      }
      await deferSpoolEntry(this.deps.db, entry.id, detail, new Date(Date.now() + 1000 * 2 ** attempt).toISOString());
    }
  }
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
