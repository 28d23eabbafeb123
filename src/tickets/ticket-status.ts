/**
 * The status words, part of the stable interface (`--status`, `--json`). Their order is the
 * order a ticket usually moves through.
 */

export const ticketStatuses = [
  'new',
  'in_progress',
  'answered',
  'awaiting_customer',
  'reopened',
  'resolved',
  'closed',
] as const;

export type TicketStatus = (typeof ticketStatuses)[number];

export function isTicketStatus(value: string): value is TicketStatus {
  return (ticketStatuses as readonly string[]).includes(value);
}
