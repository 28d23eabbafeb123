/**
 * Short HMAC-SHA256 tags for reply tokens and Message-IDs. Lower-case hex, because some MTAs
 * fold the local part's case; 20 hex digits = 80 bits, far beyond guessing over SMTP.
 * Comparison is constant-time so a tag cannot be found byte by byte from response timing.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const TAG_LENGTH = 20;

export function hmacTag(secret: string, purpose: string, value: string): string {
  return createHmac('sha256', secret).update(`${purpose}\0${value}`).digest('hex').slice(0, TAG_LENGTH);
}

export function isValidTag(secret: string, purpose: string, value: string, tag: string): boolean {
  const expected = hmacTag(secret, purpose, value);
  if (tag.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(tag.toLowerCase()), Buffer.from(expected));
}
