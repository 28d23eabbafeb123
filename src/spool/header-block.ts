/**
 * Collects a message's header block (up to the first empty line) from the DATA chunks as they
 * arrive, for the header screen, without decoding the body: only the bytes before the empty line
 * become a string. Turning whole first chunks (up to 64 KiB) into strings made the listener's
 * heap churn, and with it the garbage collections that delay every session.
 * Headers may be raw UTF-8 (RFC 6532): the block is decoded as UTF-8 once complete.
 */
export const MAX_HEADER_BYTES = 256 * 1024;
/** "\r\n\r" of a block ending "\r\n\r\n" can all be in earlier chunks. */
const TAIL_BYTES = 3;

export class HeaderBlock {
  private chunks: Buffer[] = [];
  private length = 0;
  /** The last bytes before this chunk: the empty line, and the CR before it, may straddle chunks. */
  private tail: Buffer = Buffer.alloc(0);
  private text: string | null = null;

  /** Takes the next chunk of the message; ignored once the block is complete. */
  add(chunk: Buffer): void {
    if (this.text !== null) return;
    // Only the new chunk and the tail are searched: rescanning (and re-joining) everything
    // gathered so far cost quadratic time for a block sent in many small pieces.
    const window = this.tail.length > 0 ? Buffer.concat([this.tail, chunk]) : chunk;
    const windowStart = this.length - this.tail.length;
    this.chunks.push(chunk);
    this.length += chunk.length;
    const end = endOfHeaders(window, 0);
    if (end !== -1) this.finish(Buffer.concat(this.chunks).subarray(0, windowStart + end));
    else if (this.length >= MAX_HEADER_BYTES) this.finish(Buffer.concat(this.chunks));
    else this.tail = Buffer.from(window.subarray(Math.max(0, window.length - TAIL_BYTES)));
  }

  /** The header block, without the line break that ends it; all the message if it has no empty line. */
  get value(): string {
    if (this.text === null) this.finish(Buffer.concat(this.chunks));
    return this.text!;
  }

  private finish(bytes: Buffer): void {
    this.text = bytes.toString('utf8');
    this.chunks = [];
    this.tail = Buffer.alloc(0);
  }
}

/** Where the line break before the first empty line starts (bare LF tolerated), or -1. */
export function endOfHeaders(bytes: Buffer, from: number): number {
  const lf = bytes.indexOf('\n\n', from, 'latin1');
  const crlf = bytes.indexOf('\n\r\n', from, 'latin1');
  const at = lf === -1 ? crlf : crlf === -1 ? lf : Math.min(lf, crlf);
  if (at === -1) return -1;
  return at > 0 && bytes[at - 1] === 0x0d ? at - 1 : at;
}
