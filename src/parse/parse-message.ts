/**
 * Parses one spooled message with mailparser's streaming parser (simpleParser would hold every
 * attachment in memory). Input: the raw message (in the database or a spool file). Output:
 * ParsedMessage. Failure: GuichetError PARSE_MALFORMED when the MIME structure cannot be read at
 * all (lesser problems are recorded in `defects` and the message is still filed); the temporary
 * SPOOL_READ_FAILED or PARSE_ATTACHMENT_WRITE_FAILED when the fault is the disk's, not the
 * message's (the spool file unreadable, an attachment not stored): those are retried.
 */
import type { RawMessage } from '../spool/raw-message.js';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { MailParser, type AddressObject, type AttachmentStream, type HeaderLines, type MessageText } from 'mailparser';
import { GuichetError } from '../guichet-error.js';
import type { MailAddress, ParsedMessage, StoredAttachment } from './parsed-message.js';
import { readHeaderLines, readMessageIds } from './read-header-lines.js';
import { readReportedMessageIds } from './read-reported-message-ids.js';
import { storeAttachment } from './store-attachment.js';
import { textOfHtml } from './html-reply-text.js';

/** A failure of the disk rather than of the message, and on which side of the parser. */
interface StorageFault {
  code: 'SPOOL_READ_FAILED' | 'PARSE_ATTACHMENT_WRITE_FAILED';
  error: Error;
}

/**
 * skipTextToHtml: mailparser would otherwise also render the text part as HTML, finding its
 * links with linkify-it, for every message; Guichet never reads that rendering.
 * checksumAlgo: false: mailparser would hash each attachment with MD5 for a `checksum` Guichet
 * does not read; storeAttachment hashes it (SHA-256) as it writes it.
 */
export const MAIL_PARSER_OPTIONS = { skipImageLinks: true, skipTextToHtml: true, checksumAlgo: false, maxHtmlLengthToParse: 2 * 1024 * 1024 } as const;

export async function parseMessage(raw: RawMessage, dataDir: string): Promise<ParsedMessage> {
  const parser = new MailParser(MAIL_PARSER_OPTIONS);
  let headerLines: HeaderLines = [];
  let body: MessageText = { type: 'text' };
  const attachments: StoredAttachment[] = [];
  const defects: string[] = [];
  // The pipeline reports the first error of any of its streams: note which side failed, so a
  // full disk is not taken for a malformed message (which would be quarantined at once).
  let storageFault = null as StorageFault | null;
  const source = raw.open();
  source.once('error', (error: Error) => (storageFault ??= { code: 'SPOOL_READ_FAILED', error }));
  parser.on('headerLines', (lines: HeaderLines) => {
    headerLines = lines;
  });
  const sink = new Writable({
    objectMode: true,
    write(part: AttachmentStream | MessageText, _encoding, done) {
      if (part.type === 'text') {
        body = part;
        return done();
      }
      storeAttachment(part.content, dataDir).then(
        (file) => {
          // mailparser gives `false` for a part whose Content-Type is empty: such a part is still
          // kept, as bytes of no known type (RFC 2046's application/octet-stream).
          const contentType = typeof part.contentType === 'string' && part.contentType ? part.contentType : 'application/octet-stream';
          if (contentType !== part.contentType && !defects.includes('attachment_without_type')) defects.push('attachment_without_type');
          attachments.push({ filename: part.filename ?? null, contentType, ...file });
          part.release?.();
          done();
        },
        (error: unknown) => {
          storageFault ??= { code: 'PARSE_ATTACHMENT_WRITE_FAILED', error: error as Error };
          done(error as Error);
        },
      );
    },
  });
  try {
    await pipeline(source, parser, sink);
  } catch (cause) {
    if (storageFault) {
      const what = storageFault.code === 'SPOOL_READ_FAILED' ? 'cannot read the spooled message' : 'cannot store an attachment';
      throw new GuichetError(storageFault.code, `${what}: ${storageFault.error.message}`, { cause: storageFault.error });
    }
    throw new GuichetError('PARSE_MALFORMED', `cannot parse MIME: ${(cause as Error).message}`, { cause });
  }
  if (body.textConversionError) defects.push('html_not_converted');
  const headers = readHeaderLines(headerLines);
  const messageId = readMessageIds(headers['message-id']?.[0])[0] ?? null;
  const contentType = contentTypeOf(headers);
  // mailparser turns HTML into text only for a message without a text part, and not HTML it
  // refuses (html_not_converted); an HTML part beside an empty text part gets none either.
  const textFromHtml = !(body.text ?? '').trim() && Boolean(body.html?.trim());
  return {
    from: firstAddress(parser.from),
    to: addressesOf(parser.to),
    cc: addressesOf(parser.cc),
    replyTo: firstAddress(parser.replyTo),
    subject: typeof parser.subject === 'string' ? parser.subject.trim() : '',
    date: parser.date instanceof Date && !Number.isNaN(parser.date.getTime()) ? parser.date.toISOString() : null,
    messageId,
    inReplyTo: readMessageIds(headers['in-reply-to']?.[0])[0] ?? null,
    references: readMessageIds(headers['references']?.join(' ')),
    reportedMessageIds: contentType === 'multipart/report' ? await readReportedMessageIds(raw, messageId) : [],
    text: textFromHtml ? textOfHtml(body.html!) : (body.text ?? ''),
    textFromHtml,
    html: body.html ?? null,
    headers,
    contentType,
    attachments,
    defects,
  };
}

function addressesOf(header: AddressObject | AddressObject[] | false | undefined): MailAddress[] {
  if (!header) return [];
  const objects = Array.isArray(header) ? header : [header];
  const found: MailAddress[] = [];
  for (const entry of objects.flatMap((object) => object.value)) {
    for (const member of entry.group ?? [entry]) {
      if (member.address && member.address.includes('@')) {
        found.push({ address: member.address.toLowerCase(), name: member.name || null });
      }
    }
  }
  return found;
}

function firstAddress(header: AddressObject | AddressObject[] | false | undefined): MailAddress | null {
  return addressesOf(header)[0] ?? null;
}

function contentTypeOf(headers: Record<string, string[]>): string {
  const value = headers['content-type']?.[0] ?? 'text/plain';
  return (value.split(';')[0] ?? 'text/plain').trim().toLowerCase();
}
