/**
 * One block/allow list entry, parsed and validated. Forms:
 *   qq.com  or  @qq.com      a domain and all its subdomains (mail.qq.com, QQ.COM., IDN forms)
 *   user@example.org         one address
 *   *.example                any subdomain of "example" (glob; not "example" itself)
 *   /regex/                  a JavaScript regular expression over the whole address, case-insensitive
 * Domains are compared in their ASCII (punycode) form, lower-case, without a trailing dot, so
 * "bücher.example" and "xn--bcher-kva.example" are the same entry.
 */
import { domainToASCII } from 'node:url';

export type SenderListEntry =
  | { kind: 'domain'; text: string; domain: string }
  | { kind: 'address'; text: string; address: string }
  | { kind: 'glob'; text: string; suffix: string }
  | { kind: 'regex'; text: string; regex: RegExp };

export type ParsedEntry = { ok: true; entry: SenderListEntry } | { ok: false; reason: string };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Lower-case ASCII form of a domain, or null when it is not a valid host name. */
export function normalizeDomain(domain: string): string | null {
  const trimmed = domain.trim().replace(/\.$/, '');
  if (!trimmed || trimmed.length > 253) return null;
  const ascii = domainToASCII(trimmed).toLowerCase();
  if (!ascii || !ascii.split('.').every((label) => LABEL.test(label))) return null;
  return ascii;
}

/** local@domain with the domain normalised; the local part lower-cased (see resolve-recipient). */
export function normalizeAddress(address: string): string | null {
  const at = address.trim().lastIndexOf('@');
  if (at <= 0) return null;
  const domain = normalizeDomain(address.trim().slice(at + 1));
  const local = address.trim().slice(0, at).toLowerCase();
  if (!domain || !local || /[\s<>@]/.test(local)) return null;
  return `${local}@${domain}`;
}

export function parseSenderListEntry(input: string): ParsedEntry {
  const text = input.trim();
  if (!text) return { ok: false, reason: 'the entry is empty' };
  if (text.length > 2 && text.startsWith('/') && text.endsWith('/')) {
    const source = text.slice(1, -1);
    if (source.length > 200) return { ok: false, reason: 'a regular expression may have at most 200 characters' };
    try {
      return { ok: true, entry: { kind: 'regex', text, regex: new RegExp(source, 'i') } };
    } catch (error) {
      return { ok: false, reason: `not a valid regular expression: ${(error as Error).message}` };
    }
  }
  if (text.startsWith('*.')) {
    const suffix = normalizeDomain(text.slice(2));
    return suffix ? { ok: true, entry: { kind: 'glob', text: `*.${suffix}`, suffix } } : { ok: false, reason: `"${text}" is not *. followed by a domain` };
  }
  if (text.includes('@') && !text.startsWith('@')) {
    const address = normalizeAddress(text);
    return address ? { ok: true, entry: { kind: 'address', text: address, address } } : { ok: false, reason: `"${text}" is not a valid address` };
  }
  const domain = normalizeDomain(text.replace(/^@/, ''));
  if (!domain) return { ok: false, reason: `"${text}" is neither a domain, an address, *.domain nor /regex/` };
  if (!domain.includes('.')) return { ok: false, reason: `"${text}" is a bare top-level name; write *.${domain} to block a whole TLD` };
  return { ok: true, entry: { kind: 'domain', text: domain, domain } };
}

export function entryMatches(entry: SenderListEntry, address: string): boolean {
  const domain = address.slice(address.lastIndexOf('@') + 1);
  switch (entry.kind) {
    case 'domain':
      return domain === entry.domain || domain.endsWith(`.${entry.domain}`);
    case 'address':
      return address === entry.address;
    case 'glob':
      return domain.endsWith(`.${entry.suffix}`);
    case 'regex':
      return entry.regex.test(address);
  }
}
