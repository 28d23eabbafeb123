/**
 * Streams one attachment into dataDir/attachments/<aa>/<sha256>, content-addressed so the same
 * file sent twice is stored once. The content is never held whole in memory. No fsync here:
 * the raw message stays in the spool, so an attachment lost to a power cut is re-extracted by
 * reprocessing; the spool, not this file, is what must survive.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface AttachmentFile {
  sha256: string;
  size: number;
  storedPath: string; // relative to dataDir
}

export async function storeAttachment(content: Readable, dataDir: string): Promise<AttachmentFile> {
  const root = join(dataDir, 'attachments');
  mkdirSync(root, { recursive: true });
  const temporary = join(root, `.incoming-${randomBytes(8).toString('hex')}`);
  const hash = createHash('sha256');
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(content, measure, createWriteStream(temporary));
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  const sha256 = hash.digest('hex');
  const storedPath = join('attachments', sha256.slice(0, 2), sha256);
  const target = join(dataDir, storedPath);
  if (existsSync(target)) {
    await rm(temporary, { force: true });
  } else {
    mkdirSync(join(root, sha256.slice(0, 2)), { recursive: true });
    await rename(temporary, target);
  }
  return { sha256, size, storedPath };
}
