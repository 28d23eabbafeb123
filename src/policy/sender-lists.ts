/**
 * The block and allow lists in force: entries from config plus those added at run time (CLI,
 * admin page). `check` answers for one sender address: an allow-listed address always passes
 * (a real customer on a blocked domain); otherwise the first matching block entry is returned.
 */
import { entryMatches, normalizeAddress, parseSenderListEntry, type SenderListEntry } from './sender-list-entry.js';

export interface SenderListsInput {
  block: readonly string[];
  allow: readonly string[];
}

export type SenderCheck = { blocked: false } | { blocked: true; entry: string; address: string };

export class SenderLists {
  private readonly block: SenderListEntry[];
  private readonly allow: SenderListEntry[];

  constructor(input: SenderListsInput) {
    this.block = parseAll(input.block);
    this.allow = parseAll(input.allow);
  }

  check(rawAddress: string): SenderCheck {
    const address = normalizeAddress(rawAddress);
    if (!address) return { blocked: false };
    if (this.allow.some((entry) => entryMatches(entry, address))) return { blocked: false };
    const entry = this.block.find((candidate) => entryMatches(candidate, address));
    return entry ? { blocked: true, entry: entry.text, address } : { blocked: false };
  }
}

function parseAll(texts: readonly string[]): SenderListEntry[] {
  const entries: SenderListEntry[] = [];
  for (const text of texts) {
    const parsed = parseSenderListEntry(text);
    // Config entries were validated at start and stored ones when added; skip anything else.
    if (parsed.ok) entries.push(parsed.entry);
  }
  return entries;
}
