/**
 * The stored form of an inbound message, whoever wrote it (customer or agent): the parsed
 * headers and text of the mail plus what filing decided (author, flags, new part). Not its
 * HTML: nothing reads it back (pages and commands show the text, customer HTML is never
 * rendered), and it is already kept once, in the raw message the spool keeps with the entry
 * (spool_id). Stored here it was most of what filing wrote for a 50 KB HTML mail (171 KB to
 * disk per message against 68 KB without it, bench:filing --kinds html).
 */
import type { Insertable } from 'kysely';
import type { MailAddress, ParsedMessage } from '../parse/parsed-message.js';
import type { MessageTable } from '../store/database-schema.js';

export interface InboundRowInput {
  ticketId: number;
  spoolId: string;
  message: ParsedMessage;
  sender: MailAddress;
  newText: string;
  flags: readonly string[];
  authJson: string | null;
  author: 'customer' | 'agent';
  internal: boolean;
  at: string;
}

export function inboundMessageRow(input: InboundRowInput): Insertable<MessageTable> {
  const { message } = input;
  return {
    ticket_id: input.ticketId,
    spool_id: input.spoolId,
    direction: 'in',
    message_id: message.messageId,
    in_reply_to: message.inReplyTo,
    references_json: JSON.stringify(message.references),
    from_address: input.sender.address,
    from_name: input.sender.name,
    to_json: JSON.stringify(message.to.map((to) => to.address)),
    cc_json: JSON.stringify(message.cc.map((cc) => cc.address)),
    subject: message.subject,
    text: message.text,
    new_text: input.newText,
    html: null, // see the header: the raw message keeps it
    sent_at: message.date,
    flags_json: JSON.stringify(input.flags),
    auth_json: input.authJson,
    author: input.author,
    internal: input.internal ? 1 : 0,
    created_at: input.at,
  };
}
