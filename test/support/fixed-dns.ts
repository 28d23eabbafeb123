/**
 * An offline DNS resolver for SPF/DKIM/DMARC tests, in the shape mailauth expects
 * (dns.promises.resolve). Names not listed answer ENOTFOUND, as a real resolver would.
 */
import type { DNSResolver } from 'mailauth';

export type DnsRecords = Record<string, { TXT?: string[]; A?: string[]; MX?: { exchange: string; priority: number }[] }>;

export function fixedResolver(records: DnsRecords = {}): DNSResolver {
  return async (name: string, rrtype: string) => {
    const entry = records[name.toLowerCase().replace(/\.$/, '')];
    const answer = entry?.[rrtype as keyof typeof entry];
    if (!answer || answer.length === 0) {
      throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    }
    if (rrtype === 'TXT') return (answer as string[]).map((text) => [text]);
    return answer as never;
  };
}
