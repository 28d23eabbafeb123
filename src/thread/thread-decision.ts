/**
 * What the threader decided for a message, with the rule that decided it. The rule is stored in
 * the decisions log, so "why did this reply land in ticket 42?" is answered by a query.
 */

export type ThreadRule = 'reply_token' | 'bounce' | 'in_reply_to' | 'references' | 'subject_tag';

export type ThreadDecision =
  | { kind: 'existing'; ticketId: number; rule: ThreadRule }
  | { kind: 'new'; reason: NewTicketReason; note: string | null };

export type NewTicketReason =
  | 'no_reference' // nothing in the message points at a ticket
  | 'tag_from_stranger' // [#id] in the subject, but the sender does not take part in that ticket
  | 'unknown_reference'; // a token, id or tag that names no ticket we have
