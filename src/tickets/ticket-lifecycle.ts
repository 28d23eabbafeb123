/**
 * The ticket state machine, in one place: every transition has a name, and anything not listed
 * leaves the status as it is. A customer writing again on a closed ticket is not a transition:
 * the threader opens a new ticket for it (see match-ticket and file-message).
 */
import type { TicketStatus } from './ticket-status.js';

export type TicketEvent = 'customer_message' | 'customer_resolve' | 'agent_reply' | 'agent_wait' | 'agent_resolve' | 'agent_close' | 'no_answer' | 'resolved_expired';

const transitions: Record<TicketEvent, Partial<Record<TicketStatus, TicketStatus>>> = {
  customer_message: {
    answered: 'in_progress',
    awaiting_customer: 'in_progress',
    resolved: 'reopened',
  },
  customer_resolve: { new: 'resolved', in_progress: 'resolved', answered: 'resolved', awaiting_customer: 'resolved', reopened: 'resolved' },
  /** The customer did not answer a ticket awaiting them, even after the reminder. */
  no_answer: { awaiting_customer: 'resolved' },
  /** A resolved ticket nobody wrote to for lifecycle.closeResolvedAfterDays. */
  resolved_expired: { resolved: 'closed' },
  agent_reply: { new: 'answered', in_progress: 'answered', reopened: 'answered', awaiting_customer: 'answered' },
  agent_wait: { new: 'awaiting_customer', in_progress: 'awaiting_customer', answered: 'awaiting_customer', reopened: 'awaiting_customer' },
  agent_resolve: { new: 'resolved', in_progress: 'resolved', answered: 'resolved', awaiting_customer: 'resolved', reopened: 'resolved' },
  agent_close: {
    new: 'closed',
    in_progress: 'closed',
    answered: 'closed',
    awaiting_customer: 'closed',
    reopened: 'closed',
    resolved: 'closed',
  },
};

export function nextStatus(current: TicketStatus, event: TicketEvent): TicketStatus {
  return transitions[event][current] ?? current;
}
