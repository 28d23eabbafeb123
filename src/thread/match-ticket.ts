/**
 * Decides which ticket a message belongs to, in order of trust: (a) a valid reply token in an
 * envelope recipient, or a delivery report about a mail we sent (signed Message-ID), (b) In-Reply-To, then References (newest first), naming a Message-ID the
 * ticket has seen or sent, (c) a `[#id]` subject tag, honoured only when the sender already
 * takes part in that ticket, so a guessed number never opens someone else's conversation;
 * else (d) a new ticket. Input: the parsed message and narrow look-ups. Output: ThreadDecision.
 */
import type { ParsedMessage } from '../parse/parsed-message.js';
import { resolveRecipient } from '../smtp/resolve-recipient.js';
import { readReplyToken } from './reply-token.js';
import { readSignedMessageId } from './signed-message-id.js';
import { readSubjectTag } from './read-subject-tag.js';
import type { ThreadDecision } from './thread-decision.js';

export interface ThreadLookups {
  ticketExists(ticketId: number): Promise<boolean>;
  /** The ticket that has seen or sent one of these Message-IDs, trying them in the given order. */
  findTicketByMessageIds(messageIds: readonly string[]): Promise<number | null>;
  isParticipant(ticketId: number, address: string): Promise<boolean>;
}

export interface ThreadInput {
  secret: string;
  mailboxes: readonly string[];
  rcptTo: readonly string[];
  sender: string;
  message: Pick<ParsedMessage, 'inReplyTo' | 'references' | 'subject'> & Partial<Pick<ParsedMessage, 'reportedMessageIds'>>;
}

export async function matchTicket(input: ThreadInput, lookups: ThreadLookups): Promise<ThreadDecision> {
  let unknownReference = false;
  for (const rcpt of input.rcptTo) {
    const token = resolveRecipient(rcpt, input.mailboxes)?.token;
    const parsed = token ? readReplyToken(input.secret, token) : null;
    // An agent's token proves an agent, not a ticket for anyone: identify-agent handles it.
    if (!parsed || parsed.agentKey) continue;
    if (await lookups.ticketExists(parsed.ticketId)) return { kind: 'existing', ticketId: parsed.ticketId, rule: 'reply_token' };
    unknownReference = true;
  }
  for (const id of input.message.reportedMessageIds ?? []) {
    const signed = readSignedMessageId(input.secret, id);
    if (signed !== null && (await lookups.ticketExists(signed))) return { kind: 'existing', ticketId: signed, rule: 'bounce' };
  }
  const headerRules = [
    { rule: 'in_reply_to' as const, ids: input.message.inReplyTo ? [input.message.inReplyTo] : [] },
    { rule: 'references' as const, ids: [...input.message.references].reverse() },
  ];
  for (const { rule, ids } of headerRules) {
    for (const id of ids) {
      const signed = readSignedMessageId(input.secret, id);
      if (signed !== null && (await lookups.ticketExists(signed))) return { kind: 'existing', ticketId: signed, rule };
    }
    const seen = ids.length > 0 ? await lookups.findTicketByMessageIds(ids) : null;
    if (seen !== null) return { kind: 'existing', ticketId: seen, rule };
  }
  const tagged = readSubjectTag(input.message.subject);
  if (tagged !== null) {
    if (!(await lookups.ticketExists(tagged))) {
      return { kind: 'new', reason: 'unknown_reference', note: `subject tag [#${tagged}] names no ticket` };
    }
    if (await lookups.isParticipant(tagged, input.sender)) return { kind: 'existing', ticketId: tagged, rule: 'subject_tag' };
    return { kind: 'new', reason: 'tag_from_stranger', note: `${input.sender} does not take part in #${tagged}` };
  }
  if (unknownReference) return { kind: 'new', reason: 'unknown_reference', note: 'reply token names no ticket' };
  return { kind: 'new', reason: 'no_reference', note: null };
}
