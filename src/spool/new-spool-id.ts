/**
 * Spool ids: time-ordered (so a listing sorts by arrival) and unique without coordination
 * (so several gateways can share a data directory later). 9 base-36 characters of milliseconds
 * followed by 12 random hex characters, e.g. "mi0x3k2a1-3f9c0d12ab77".
 */
import { randomBytes } from 'node:crypto';

export function newSpoolId(now = Date.now()): string {
  return `${now.toString(36).padStart(9, '0')}-${randomBytes(6).toString('hex')}`;
}

export function isSpoolId(value: string): boolean {
  return /^[0-9a-z]{9}-[0-9a-f]{12}$/.test(value);
}
