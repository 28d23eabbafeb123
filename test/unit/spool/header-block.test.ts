import { describe, expect, it } from 'vitest';
import { HeaderBlock, MAX_HEADER_BYTES } from '../../../src/spool/header-block.js';

/** Messages and their header blocks, for each way a block can end (CRLF, bare LF, mixed). */
const ENDINGS = [
  ['From: a@x.test\r\nSubject: hi\r\n\r\nbody\r\n\r\nmore', 'From: a@x.test\r\nSubject: hi'],
  ['From: a@x.test\nSubject: hi\n\nbody', 'From: a@x.test\nSubject: hi'],
  ['From: a@x.test\r\n\nbody', 'From: a@x.test'],
  ['From: a@x.test\n\r\nbody', 'From: a@x.test'],
] as const;

function blockOf(...chunks: (string | Buffer)[]): string {
  const block = new HeaderBlock();
  for (const chunk of chunks) block.add(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return block.value;
}

/** Every way of cutting the message in two chunks gives the same block. */
function everySplit(message: string): string[] {
  const bytes = Buffer.from(message);
  return Array.from({ length: bytes.length + 1 }, (_, at) => blockOf(bytes.subarray(0, at), bytes.subarray(at)));
}

describe('header block', () => {
  it('stops before the empty line, whatever the line breaks and wherever the chunks split', () => {
    for (const [message, block] of ENDINGS) {
      expect(new Set(everySplit(message))).toEqual(new Set([block]));
    }
  });

  it('finds the empty line when it arrives spread over several small chunks', () => {
    for (const [message, block] of ENDINGS) {
      for (const size of [1, 2, 3, 4]) {
        const bytes = Buffer.from(message);
        const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, index) => bytes.subarray(index * size, (index + 1) * size));
        expect(blockOf(...chunks), `${JSON.stringify(message)} in ${size}-byte chunks`).toBe(block);
      }
    }
  });

  it('takes a header block close to the cap one byte at a time', () => {
    const headers = Buffer.from(`${`X-Filler: ${'y'.repeat(998)}\r\n`.repeat(250)}Subject: end\r\n\r\nbody`);
    const block = new HeaderBlock();
    for (let at = 0; at < headers.length; at += 1) block.add(headers.subarray(at, at + 1));
    expect(block.value.endsWith('Subject: end')).toBe(true);
    expect(block.value.length).toBe(headers.indexOf('\r\n\r\n'));
  });

  it('decodes raw UTF-8 headers even when a character is cut between chunks', () => {
    const message = 'From: Élodie Ünal <e@x.test>\r\nSubject: Счёт\r\n\r\nтекст';
    expect(new Set(everySplit(message))).toEqual(new Set(['From: Élodie Ünal <e@x.test>\r\nSubject: Счёт']));
  });

  it('keeps the whole message when it has no empty line, and stops growing at the cap', () => {
    expect(blockOf('From: a@x.test\r\nSubject: no body')).toBe('From: a@x.test\r\nSubject: no body');
    const line = `X-Filler: ${'y'.repeat(1000)}\r\n`;
    const block = new HeaderBlock();
    for (let index = 0; index < 400; index += 1) block.add(Buffer.from(line));
    expect(block.value.length).toBeGreaterThanOrEqual(MAX_HEADER_BYTES);
    expect(block.value.length).toBeLessThan(MAX_HEADER_BYTES + line.length);
  });

  it('ignores what comes after the block is complete', () => {
    const block = new HeaderBlock();
    block.add(Buffer.from('Subject: a\r\n\r\nbody'));
    block.add(Buffer.from('\r\nFrom: late@x.test\r\n\r\n'));
    expect(block.value).toBe('Subject: a');
  });
});
