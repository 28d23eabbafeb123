import { describe, expect, it } from 'vitest';
import { nextStatus } from '../../../src/tickets/ticket-lifecycle.js';
import { ticketStatuses } from '../../../src/tickets/ticket-status.js';

describe('ticket lifecycle', () => {
  it.each([
    ['new', 'customer_message', 'new'],
    ['in_progress', 'customer_message', 'in_progress'],
    ['answered', 'customer_message', 'in_progress'],
    ['awaiting_customer', 'customer_message', 'in_progress'],
    ['resolved', 'customer_message', 'reopened'],
    ['new', 'agent_reply', 'answered'],
    ['reopened', 'agent_reply', 'answered'],
    ['answered', 'agent_wait', 'awaiting_customer'],
    ['in_progress', 'agent_resolve', 'resolved'],
    ['resolved', 'agent_close', 'closed'],
    ['closed', 'agent_reply', 'closed'],
  ] as const)('%s + %s → %s', (from, event, to) => {
    expect(nextStatus(from, event)).toBe(to);
  });

  it('keeps the documented status words', () => {
    expect(ticketStatuses).toEqual(['new', 'in_progress', 'answered', 'awaiting_customer', 'reopened', 'resolved', 'closed']);
  });
});
