import { describe, expect, it } from 'vitest';
import { readHeaderLines, readMessageIds } from '../../../src/parse/read-header-lines.js';

describe('header lines', () => {
  it('unfolds values and groups repeated headers by lower-case name', () => {
    const headers = readHeaderLines([
      { key: 'received', line: 'Received: from a\r\n\tby b' },
      { key: 'received', line: 'Received: from c' },
      { key: 'list-id', line: 'List-Id: <x.example>' },
    ]);
    expect(headers).toEqual({ received: ['from a by b', 'from c'], 'list-id': ['<x.example>'] });
  });

  it('reads Message-ID lists with comments, odd spacing and folding', () => {
    expect(readMessageIds('<a@b>  (comment) <c@d>\r\n <e@f>')).toEqual(['<a@b>', '<c@d>', '<e@f>']);
    expect(readMessageIds('no brackets here')).toEqual([]);
    expect(readMessageIds(undefined)).toEqual([]);
  });
});
