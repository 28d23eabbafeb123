/**
 * A DNS resolver with a small in-process cache, for SPF/DKIM/DMARC look-ups. mailauth does not
 * cache, and support mail comes again and again from the same few domains. Answers are kept
 * five minutes, failures (NXDOMAIN, no data) one minute, so an unreachable DNS does not stall
 * every message; at most `maxEntries` names are kept, the oldest dropped first.
 */
import { promises as dns } from 'node:dns';
import type { DNSResolver } from 'mailauth';

interface Cached {
  expires: number;
  answer?: unknown;
  error?: unknown;
}

export function cachingResolver(
  resolve: DNSResolver = (name, rrtype) => dns.resolve(name, rrtype) as Promise<string[][]>,
  options: { ttlMs?: number; negativeTtlMs?: number; maxEntries?: number; now?: () => number } = {},
): DNSResolver {
  const { ttlMs = 300_000, negativeTtlMs = 60_000, maxEntries = 10_000, now = Date.now } = options;
  const cache = new Map<string, Cached>();
  return async (name, rrtype) => {
    const key = `${rrtype} ${name.toLowerCase()}`;
    const hit = cache.get(key);
    if (hit && hit.expires > now()) {
      if (hit.error !== undefined) throw hit.error;
      return hit.answer as string[][];
    }
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    try {
      const answer = await resolve(name, rrtype);
      cache.set(key, { expires: now() + ttlMs, answer });
      return answer;
    } catch (error) {
      cache.set(key, { expires: now() + negativeTtlMs, error });
      throw error;
    }
  };
}
