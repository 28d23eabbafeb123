/**
 * Reply tokens: the `<token>` in `support+<token>@example.org`, the Reply-To of every mail we
 * send about a ticket. A customer token is `<ticket>-<tag>`; an agent token (notifications)
 * also carries a short key of the agent's address: `<ticket>-<agentKey>-<tag>`. The tag is an
 * HMAC over ticket and agent, so tokens cannot be forged or moved to another ticket, and
 * rotating the secret invalidates every old token.
 */
import { createHash } from 'node:crypto';
import { hmacTag, isValidTag } from './hmac-tag.js';

export interface ReplyToken {
  ticketId: number;
  agentKey: string | null;
}

const PURPOSE = 'reply-token';

export function agentKeyOf(agentAddress: string): string {
  return createHash('sha256').update(agentAddress.toLowerCase()).digest('hex').slice(0, 8);
}

export function makeReplyToken(secret: string, token: ReplyToken): string {
  const body = token.agentKey ? `${token.ticketId}-${token.agentKey}` : `${token.ticketId}`;
  return `${body}-${hmacTag(secret, PURPOSE, body)}`;
}

export function readReplyToken(secret: string, text: string): ReplyToken | null {
  const match = /^(\d{1,12})(?:-([0-9a-f]{8}))?-([0-9a-f]{20})$/i.exec(text.trim());
  if (!match) return null;
  const [, id, agentKey, tag] = match;
  const body = agentKey ? `${id}-${agentKey.toLowerCase()}` : `${id}`;
  if (!id || !tag || !isValidTag(secret, PURPOSE, body, tag)) return null;
  return { ticketId: Number(id), agentKey: agentKey?.toLowerCase() ?? null };
}

/** `support@example.org` + token → `support+token@example.org`. */
export function replyAddress(mailbox: string, token: string): string {
  const at = mailbox.lastIndexOf('@');
  return `${mailbox.slice(0, at)}+${token}${mailbox.slice(at)}`;
}
