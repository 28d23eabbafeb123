/**
 * Durable accept. The DATA stream, behind a Received: trace header (RFC 5321 4.4), goes into
 * spool_raw, beside its spool row and in the same transaction, when it is small (up to
 * INLINE_MESSAGE_BYTES), else to dataDir/spool/<id>.eml, fsync'd, with the spool directory
 * fsync'd once per batch. The rows of concurrent sessions are committed together (group
 * commit; on SQLite the commit resolves once the WAL is fsynced, see store/wal-sync.ts). Only
 * then does the caller answer 250: a file without a row was never acknowledged and is removed
 * at start-up.
 * Failure: GuichetError SPOOL_WRITE_FAILED (temporary → 451); oversized input → { kind: 'oversized' }.
 */
import { mkdirSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { GuichetError } from '../guichet-error.js';
import type { Insertable, Kysely } from 'kysely';
import type { Database, SpoolTable } from '../store/database-schema.js';
import { GroupCommit } from '../group-commit.js';
import { HeaderBlock } from './header-block.js';
import { newSpoolId } from './new-spool-id.js';
import { INLINE_MESSAGE_BYTES } from './raw-message.js';

export interface SmtpEnvelope {
  remoteAddress: string | null;
  helo: string | null;
  mailFrom: string; // '' for the null reverse-path <>
  rcptTo: readonly string[];
}

export type AcceptResult =
  | { kind: 'spooled'; id: string }
  | { kind: 'oversized'; bytes: number }
  | { kind: 'refused'; refusal: Refusal };

export interface Refusal {
  code: string; // e.g. POLICY_BLOCKED_SENDER
  detail: string;
}

/** Looks at the message's header block before it is committed; a refusal means no 250. */
export type HeaderScreen = (headerBlock: string) => Refusal | null;

const RECEIVING_GRACE_MS = 250;

/** A spool row to insert, and the message's bytes when they go in spool_raw rather than a file. */
interface NewSpoolEntry {
  row: Insertable<SpoolTable>;
  raw: Buffer | null;
}
type SizedStream = Readable & { sizeExceeded?: boolean; byteLength?: number };

/** A large message is written to its spool file in batches of about this size. */
const FILE_WRITE_BYTES = 256 * 1024;

export class SpoolWriter {
  readonly spoolDir: string;
  private readonly rows: GroupCommit<NewSpoolEntry>;
  private inProgress = 0;
  private lastFinishedAt = 0;

  constructor(
    private readonly db: Kysely<Database>,
    dataDir: string,
    private readonly hostname: string,
    private readonly onCommitted: () => void = () => {},
  ) {
    this.spoolDir = join(dataDir, 'spool');
    mkdirSync(this.spoolDir, { recursive: true });
    this.rows = new GroupCommit((entries) => this.commitEntries(entries));
  }

  /**
   * True while a message is being received or committed, and for a moment after the last one:
   * senders in a burst come back with their next message within a few round trips, and the
   * work that gives way to them (filing, sending) should not slip into those gaps.
   */
  get receiving(): boolean {
    return this.inProgress > 0 || Date.now() - this.lastFinishedAt < RECEIVING_GRACE_MS;
  }

  async accept(stream: SizedStream, envelope: SmtpEnvelope, screen: HeaderScreen = () => null): Promise<AcceptResult> {
    this.inProgress += 1;
    try {
      return await this.receive(stream, envelope, screen);
    } finally {
      this.inProgress -= 1;
      this.lastFinishedAt = Date.now();
    }
  }

  private async receive(stream: SizedStream, envelope: SmtpEnvelope, screen: HeaderScreen): Promise<AcceptResult> {
    const receivedAt = new Date();
    const id = newSpoolId(receivedAt.getTime());
    const file = join(this.spoolDir, `${id}.eml`);
    const { size, head, inline } = await this.receiveBytes(stream, file, traceHeader(id, envelope, this.hostname, receivedAt));
    // A message kept in memory has no file: no removal (a thread-pool round trip) for nothing.
    const removeFile = async () => {
      if (!inline) await rm(file, { force: true });
    };
    if (stream.sizeExceeded) {
      await removeFile();
      return { kind: 'oversized', bytes: stream.byteLength ?? size };
    }
    const refusal = screen(head);
    if (refusal) {
      await removeFile();
      return { kind: 'refused', refusal };
    }
    const row: Insertable<SpoolTable> = {
      id,
      state: 'pending',
      received_at: receivedAt.toISOString(),
      remote_address: envelope.remoteAddress,
      helo: envelope.helo,
      mail_from: envelope.mailFrom,
      rcpt_to: JSON.stringify(envelope.rcptTo),
      size,
      raw_path: inline ? '' : join('spool', `${id}.eml`),
      reason: null,
      detail: null,
      ticket_id: null,
      not_before: null,
      processed_at: null,
    };
    try {
      await this.rows.commit({ row, raw: inline });
    } catch (cause) {
      await removeFile();
      throw new GuichetError('SPOOL_WRITE_FAILED', `spool row for ${id} not committed: ${String(cause)}`, { cause });
    }
    return { kind: 'spooled', id };
  }

  /**
   * Receives the message: kept in memory while it fits in spool_raw (INLINE_MESSAGE_BYTES),
   * else streamed to its spool file (never whole in memory) and fsynced. Keeps draining past the
   * size limit. Also returns the header block (up to the first empty line, at most 256 KiB).
   */
  private async receiveBytes(stream: SizedStream, file: string, header: string): Promise<{ size: number; head: string; inline: Buffer | null }> {
    const pending: Buffer[] = [Buffer.from(header)];
    const headerBytes = pending[0]!.length;
    let handle: FileHandle | null = null;
    let failure: unknown = null;
    let size = 0;
    /** Bytes in `pending` not yet written to the file (the trace header aside). */
    let pendingBytes = 0;
    const head = new HeaderBlock();
    // A write failure does not leave the loop: the client must get its 451 after DATA, so the
    // stream is drained to its end either way (leaving a for-await early would destroy it).
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (stream.sizeExceeded || failure) continue;
      size += chunk.length;
      head.add(chunk);
      pending.push(chunk);
      pendingBytes += chunk.length;
      try {
        if (!handle) {
          if (headerBytes + size <= INLINE_MESSAGE_BYTES) continue;
          handle = await open(file, 'wx', 0o640);
        }
        // The DATA stream comes in chunks of a few kilobytes: one write per chunk cost a 5 MB
        // message over a thousand thread-pool round trips. Written a batch at a time instead.
        if (pendingBytes < FILE_WRITE_BYTES) continue;
        await handle.writev(pending.splice(0));
        pendingBytes = 0;
      } catch (error) {
        failure = error;
      }
    }
    try {
      if (handle && !failure && pending.length > 0) await handle.writev(pending.splice(0));
      if (handle && !failure) await handle.sync();
    } catch (error) {
      failure = error;
    } finally {
      await handle?.close().catch(() => undefined);
    }
    if (failure) {
      await rm(file, { force: true }).catch(() => undefined); // it may never have been created
      throw new GuichetError('SPOOL_WRITE_FAILED', `cannot write ${file}: ${String(failure)}`, { cause: failure });
    }
    return { size, head: head.value, inline: handle ? null : Buffer.concat(pending) };
  }

  private async commitEntries(entries: readonly NewSpoolEntry[]): Promise<void> {
    // The new files' directory entries must be durable before rows point at them.
    if (entries.some(({ row }) => row.raw_path !== '')) {
      const dir = await open(this.spoolDir, 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    }
    const raws = entries.flatMap(({ row, raw }) => (raw ? [{ spool_id: row.id, raw }] : []));
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('spool').values(entries.map(({ row }) => row)).execute();
      if (raws.length > 0) await trx.insertInto('spool_raw').values(raws).execute();
    });
    this.onCommitted();
  }
}

function traceHeader(id: string, envelope: SmtpEnvelope, hostname: string, at: Date): string {
  const from = envelope.helo ? `from ${sanitize(envelope.helo)} ` : '';
  const address = envelope.remoteAddress ? `([${envelope.remoteAddress}]) ` : '';
  return `Received: ${from}${address}by ${hostname} (Guichet) with ESMTP id ${id};\r\n\t${at.toUTCString()}\r\n`;
}

function sanitize(value: string): string {
  return value.replace(/[^\x21-\x7e]/g, '?').slice(0, 255);
}
