import { describe, expect, it } from 'vitest';
import { parseSenderListEntry } from '../../../src/policy/sender-list-entry.js';
import { SenderLists } from '../../../src/policy/sender-lists.js';

describe('parseSenderListEntry', () => {
  it.each([
    ['qq.com', 'domain', 'qq.com'],
    ['@QQ.com.', 'domain', 'qq.com'],
    ['Bücher.example', 'domain', 'xn--bcher-kva.example'],
    ['Spam@Example.NET', 'address', 'spam@example.net'],
    ['*.XYZ', 'glob', '*.xyz'],
    ['/^promo-/', 'regex', '/^promo-/'],
  ])('%s is a %s entry stored as %s', (input, kind, text) => {
    const parsed = parseSenderListEntry(input);
    expect(parsed.ok && { kind: parsed.entry.kind, text: parsed.entry.text }).toEqual({ kind, text });
  });

  it.each([
    ['', 'empty'],
    ['com', 'bare top-level name'],
    ['not a domain', 'neither a domain'],
    ['a@@b', 'not a valid address'],
    ['/(/', 'not a valid regular expression'],
    ['*.', 'is not *. followed by a domain'],
    [`/${'a'.repeat(201)}/`, 'at most 200 characters'],
    ['-bad-.com', 'neither a domain'],
  ])('refuses %j (%s)', (input, reason) => {
    const parsed = parseSenderListEntry(input);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.reason).toContain(reason);
  });
});

describe('SenderLists', () => {
  const lists = new SenderLists({ block: ['qq.com', 'xn--bcher-kva.example', 'bad@example.net', '*.xyz', '/^promo-/'], allow: ['friend@qq.com'] });

  it.each([
    ['user@qq.com', 'qq.com'],
    ['user@MAIL.QQ.COM', 'qq.com'],
    ['user@qq.com.', 'qq.com'],
    ['x@bücher.example', 'xn--bcher-kva.example'],
    ['x@sub.xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['BAD@example.net', 'bad@example.net'],
    ['a@shop.xyz', '*.xyz'],
    ['promo-1@ok.test', '/^promo-/'],
  ])('blocks %s by %s', (address, entry) => {
    expect(lists.check(address)).toMatchObject({ blocked: true, entry });
  });

  it.each(['friend@qq.com', 'FRIEND@QQ.COM', 'user@notqq.com', 'user@qq.com.evil.test', 'a@xyz', 'good@example.net', 'not an address'])('lets %s through', (address) => {
    expect(lists.check(address)).toEqual({ blocked: false });
  });
});
