import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { storeAttachment } from '../../../src/parse/store-attachment.js';

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** The content in pieces of about the size mailparser's decoder hands over. */
const inPieces = (bytes: Buffer, size = 24 * 1024) => Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, index) => bytes.subarray(index * size, (index + 1) * size)));
/** What is left in attachments/ besides the stored files' folders: temporary files. */
const leftovers = (dataDir: string) => readdirSync(join(dataDir, 'attachments')).filter((name) => name.startsWith('.incoming-'));

describe('storeAttachment', () => {
  let dataDir: string;
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('stores the content whole under its SHA-256, with its size, and leaves no temporary file', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'guichet-attachment-'));
    const content = randomBytes(300 * 1024 + 17);
    const stored = await storeAttachment(inPieces(content), dataDir);
    const sha256 = sha256Of(content);
    expect(stored).toEqual({ sha256, size: content.length, storedPath: join('attachments', sha256.slice(0, 2), sha256) });
    expect(readFileSync(join(dataDir, stored.storedPath)).equals(content)).toBe(true);
    expect(leftovers(dataDir)).toEqual([]);
  });

  it('stores the same content sent twice once', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'guichet-attachment-'));
    const content = randomBytes(50_000);
    const first = await storeAttachment(inPieces(content), dataDir);
    const second = await storeAttachment(inPieces(content, 7_000), dataDir);
    expect(second).toEqual(first);
    expect(readdirSync(join(dataDir, 'attachments', first.sha256.slice(0, 2)))).toEqual([first.sha256]);
    expect(leftovers(dataDir)).toEqual([]);
  });

  it('stores an empty attachment as an empty file', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'guichet-attachment-'));
    const stored = await storeAttachment(Readable.from([]), dataDir);
    expect(stored).toMatchObject({ sha256: sha256Of(Buffer.alloc(0)), size: 0 });
    expect(readFileSync(join(dataDir, stored.storedPath)).length).toBe(0);
  });

  it('rejects when the content fails midway, and removes what it had written', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'guichet-attachment-'));
    async function* brokenContent() {
      yield randomBytes(100_000);
      throw new Error('decoder failed');
    }
    await expect(storeAttachment(Readable.from(brokenContent()), dataDir)).rejects.toThrow('decoder failed');
    expect(readdirSync(join(dataDir, 'attachments'))).toEqual([]);
  });
});
