/**
 * The columns a status change writes, in one place for every path (customer mail, agent reply,
 * CLI, admin page, lifecycle sweep). The response clock: nothing is owed while the ticket is
 * answered, awaiting the customer, resolved or closed (due_at null: the clock pauses); when the
 * customer writes again after that, the plan's next-response target starts from that moment.
 * A chaser on a ticket still waiting for us changes nothing: it keeps its place and its target.
 */
import type { Config } from '../config/config-schema.js';
import type { TicketRow } from '../store/database-schema.js';
import { computeDueAt } from './compute-due-at.js';
import type { TicketStatus } from './ticket-status.js';

const NOTHING_OWED: readonly string[] = ['answered', 'awaiting_customer', 'resolved', 'closed'];

export type StatusFields = Pick<TicketRow, 'status' | 'updated_at'> & Partial<Pick<TicketRow, 'status_changed_at' | 'reminded_at' | 'due_at' | 'sla_warned'>>;

export function statusFields(config: Pick<Config, 'plans' | 'calendars'>, ticket: TicketRow, status: TicketStatus, at: string): StatusFields {
  const fields: StatusFields = { status, updated_at: at };
  if (status === ticket.status) return fields;
  fields.status_changed_at = at;
  fields.reminded_at = null;
  if (NOTHING_OWED.includes(status)) {
    fields.due_at = null;
    fields.sla_warned = 0;
  } else if (NOTHING_OWED.includes(ticket.status)) {
    fields.due_at = computeDueAt(config, ticket.plan, 'next', ticket.priority === 'urgent', new Date(at));
    fields.sla_warned = 0;
  }
  return fields;
}
