/**
 * Where a spooled message's bytes are. Small messages go in spool_raw, committed by the same
 * group commit (and the same fsync) as their spool row, and are handed to the worker with the
 * claimed entry; larger ones are streamed to
 * `spool/<id>.eml` and fsynced before the row points at them. Readers open either the same way.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { endOfHeaders, MAX_HEADER_BYTES } from './header-block.js';

/** Messages up to this size (trace header included) are kept in the database (spool_raw). */
export const INLINE_MESSAGE_BYTES = 256 * 1024;

export interface RawMessage {
  /** A fresh stream of the whole message each time. */
  open(): Readable;
  /** Up to `bytes` from the start of the message. */
  head(bytes: number): Promise<Buffer>;
}

/**
 * The message's header block followed by an empty line and no body, or null when no empty line
 * ends it within MAX_HEADER_BYTES.
 */
export async function headerBlockOf(raw: RawMessage): Promise<Buffer | null> {
  const head = await raw.head(MAX_HEADER_BYTES);
  const end = endOfHeaders(head, 0);
  return end === -1 ? null : Buffer.concat([head.subarray(0, end), Buffer.from('\r\n\r\n')]);
}

export function rawMessageOf(dataDir: string, entry: { raw: Buffer | null; raw_path: string }): RawMessage {
  const inline = entry.raw;
  if (inline) {
    return {
      open: () => Readable.from([inline]),
      head: async (bytes) => inline.subarray(0, bytes),
    };
  }
  const file = join(dataDir, entry.raw_path);
  return {
    open: () => readInChunks(file),
    async head(bytes) {
      const handle = await open(file, 'r');
      try {
        const buffer = Buffer.alloc(bytes);
        const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
  };
}

/** Spool files are read this much at a time, as fs.createReadStream would. */
export const READ_CHUNK_BYTES = 64 * 1024;

/**
 * The file as a stream of 64 KB chunks read synchronously, on the event loop where SQLite's
 * reads and writes already run. Through the thread pool each read cost about 100 µs of the main
 * thread's CPU on this gateway's reference machine (waking a pool thread), over a hundred per
 * 5 MB message; read here the same bytes cost the copy from the page cache, where a spool file
 * just written and fsynced still is. The chunk size keeps memory as low as before (bench:big).
 */
function readInChunks(file: string): Readable {
  let fd: number | null = null;
  return new Readable({
    highWaterMark: READ_CHUNK_BYTES,
    read() {
      try {
        fd ??= openSync(file, 'r');
        const chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
        const bytes = readSync(fd, chunk, 0, READ_CHUNK_BYTES, null);
        this.push(bytes === 0 ? null : chunk.subarray(0, bytes));
      } catch (error) {
        this.destroy(error as Error);
      }
    },
    destroy(error, done) {
      if (fd !== null) closeSync(fd);
      fd = null;
      done(error);
    },
  });
}
