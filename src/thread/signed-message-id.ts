/**
 * Message-IDs of the mail we send: `<g.<ticket>.<random>.<tag>@<domain>>`. The HMAC tag lets the
 * threader trust the ticket number in a reference without a database look-up, and tells our own
 * ids from look-alikes a sender might write to reach another ticket.
 */
import { randomBytes } from 'node:crypto';
import { hmacTag, isValidTag } from './hmac-tag.js';

const PURPOSE = 'message-id';

export function makeMessageId(secret: string, ticketId: number, domain: string): string {
  const body = `g.${ticketId}.${randomBytes(6).toString('hex')}`;
  return `<${body}.${hmacTag(secret, PURPOSE, body)}@${domain}>`;
}

/** The ticket an id of ours names, or null for anybody else's id (or a forged one). */
export function readSignedMessageId(secret: string, messageId: string): number | null {
  const match = /^<(g\.(\d{1,12})\.[0-9a-f]{12})\.([0-9a-f]{20})@[^>]+>$/i.exec(messageId);
  if (!match) return null;
  const [, body, id, tag] = match;
  if (!body || !id || !tag || !isValidTag(secret, PURPOSE, body, tag)) return null;
  return Number(id);
}
