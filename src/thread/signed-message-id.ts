/**
 * Message-IDs of the mail we send: `<g.<ticket>.<random>.<tag>@<domain>>`. The HMAC tag lets the
 * threader trust the ticket number in a reference without a database look-up, and tells our own
 * ids from look-alikes a sender might write to reach another ticket. The quarantine alerts'
 * ids (alert-message-id.ts) are signed the same way, for another purpose.
 */
import { randomBytes } from 'node:crypto';
import { hmacTag, isValidTag } from './hmac-tag.js';

const PURPOSE = 'message-id';

export function makeMessageId(secret: string, ticketId: number, domain: string): string {
  return signedMessageId(secret, PURPOSE, `g.${ticketId}`, domain);
}

/** The ticket an id of ours names, or null for anybody else's id (or a forged one). */
export function readSignedMessageId(secret: string, messageId: string): number | null {
  const id = readSignedValue(secret, PURPOSE, 'g', messageId);
  return id !== null && /^\d{1,12}$/.test(id) ? Number(id) : null;
}

/** `<prefix.value.random.tag@domain>`, the tag an HMAC of all before it for this purpose. */
export function signedMessageId(secret: string, purpose: string, prefixAndValue: string, domain: string): string {
  const body = `${prefixAndValue}.${randomBytes(6).toString('hex')}`;
  return `<${body}.${hmacTag(secret, purpose, body)}@${domain}>`;
}

/** The value of an id that signedMessageId made with this purpose and prefix, or null for any other. */
export function readSignedValue(secret: string, purpose: string, prefix: string, messageId: string): string | null {
  const match = /^<(([a-z]+)\.([A-Za-z0-9-]{1,64})\.[0-9a-f]{12})\.([0-9a-f]{20})@[^>]+>$/i.exec(messageId);
  if (!match) return null;
  const [, body, foundPrefix, value, tag] = match;
  if (!body || foundPrefix !== prefix || !value || !tag || !isValidTag(secret, purpose, body, tag)) return null;
  return value;
}
