/**
 * Raw header access. mailparser's structured headers are convenient but lossy for policy checks
 * (Auto-Submitted, Precedence, List-Id, Received counts) and for Message-ID lists, which real
 * clients write with odd spacing, comments and folding. Input: mailparser's headerLines.
 */
import type { HeaderLines } from 'mailparser';

export function readHeaderLines(lines: HeaderLines): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (const { key, line } of lines) {
    const colon = line.indexOf(':');
    const value = (colon === -1 ? '' : line.slice(colon + 1)).replace(/\r?\n[ \t]+/g, ' ').trim();
    (headers[key.toLowerCase()] ??= []).push(value);
  }
  return headers;
}

/** Every `<id>` in a Message-ID, In-Reply-To or References value (RFC 5322 3.6.4), in order. */
export function readMessageIds(value: string | undefined): string[] {
  if (!value) return [];
  const ids = value.match(/<[^<>\s]+>/g) ?? [];
  return ids.filter((id) => id.length <= 998);
}
