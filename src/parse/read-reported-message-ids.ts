/**
 * The Message-IDs a delivery status notification reports on. RFC 3464 reports carry the
 * original message or its headers (message/rfc822, text/rfc822-headers) after the report part;
 * rather than trusting one layout (real MTAs vary), read the Message-ID headers in the first
 * 512 KiB of the raw report, other than the report's own.
 */
import type { RawMessage } from '../spool/raw-message.js';
import { readMessageIds } from './read-header-lines.js';

const SCAN_BYTES = 512 * 1024;

export async function readReportedMessageIds(raw: RawMessage, ownMessageId: string | null): Promise<string[]> {
  const text = (await raw.head(SCAN_BYTES)).toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  const ids = [...text.matchAll(/^Message-ID:[ \t]*(.*)$/gim)].flatMap((match) => readMessageIds(match[1]));
  return [...new Set(ids)].filter((id) => id !== ownMessageId);
}
