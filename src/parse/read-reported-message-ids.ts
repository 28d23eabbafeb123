/**
 * The Message-IDs a delivery status notification reports on. RFC 3464 reports carry the
 * original message or its headers (message/rfc822, text/rfc822-headers) after the report part;
 * rather than trusting one layout (real MTAs vary), read the Message-ID headers in the first
 * 512 KiB of the raw report, other than the report's own.
 */
import { open } from 'node:fs/promises';
import { readMessageIds } from './read-header-lines.js';

const SCAN_BYTES = 512 * 1024;

export async function readReportedMessageIds(rawFile: string, ownMessageId: string | null): Promise<string[]> {
  const handle = await open(rawFile, 'r');
  try {
    const buffer = Buffer.alloc(SCAN_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SCAN_BYTES, 0);
    const text = buffer.subarray(0, bytesRead).toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
    const ids = [...text.matchAll(/^Message-ID:[ \t]*(.*)$/gim)].flatMap((match) => readMessageIds(match[1]));
    return [...new Set(ids)].filter((id) => id !== ownMessageId);
  } finally {
    await handle.close();
  }
}
