import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterEach, describe, expect, it } from 'vitest';
import { headerBlockOf, rawMessageOf } from '../../../src/spool/raw-message.js';

/** The process's open file descriptors, to see that a reader closes its file. */
const openFiles = () => readdirSync('/proc/self/fd').length;

describe('rawMessageOf', () => {
  let dataDir: string;
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  /** The message as a spool file (too large for its row). */
  function spoolFile(message: string) {
    dataDir = mkdtempSync(join(tmpdir(), 'guichet-raw-'));
    writeFileSync(join(dataDir, 'm.eml'), message);
    return rawMessageOf(dataDir, { raw: null, raw_path: 'm.eml' });
  }
  // Larger than several read chunks, and not a multiple of them.
  const message = `Subject: logs\r\nFrom: a@customer.test\r\n\r\n${randomBytes(150_000).toString('base64')}\r\n`;

  it('reads a spool file whole, as often as it is opened, and closes it', async () => {
    const raw = spoolFile(message);
    const before = openFiles();
    expect(await text(raw.open())).toBe(message);
    expect(await text(raw.open())).toBe(message);
    expect(openFiles()).toBe(before);
  });

  it('reads the same message kept in its spool row', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'guichet-raw-'));
    const raw = rawMessageOf(dataDir, { raw: Buffer.from(message), raw_path: '' });
    expect(await text(raw.open())).toBe(message);
    expect((await headerBlockOf(raw))?.toString()).toBe('Subject: logs\r\nFrom: a@customer.test\r\n\r\n');
  });

  it('gives the header block of a spool file', async () => {
    const raw = spoolFile(message);
    expect((await headerBlockOf(raw))?.toString()).toBe('Subject: logs\r\nFrom: a@customer.test\r\n\r\n');
  });

  it('closes the file when the reader is dropped before the end', async () => {
    const raw = spoolFile(message);
    const before = openFiles();
    const stream = raw.open();
    await new Promise((resolve) => stream.once('readable', resolve));
    expect(stream.read()).toBeInstanceOf(Buffer); // one chunk read, the rest not yet
    expect(openFiles()).toBe(before + 1);
    stream.destroy();
    await new Promise((resolve) => stream.once('close', resolve));
    expect(openFiles()).toBe(before);
  });

  it('fails the stream, without throwing, when the spool file is missing', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'guichet-raw-'));
    const stream = rawMessageOf(dataDir, { raw: null, raw_path: 'gone.eml' }).open();
    await expect(text(stream)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
