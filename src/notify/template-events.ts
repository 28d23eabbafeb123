/**
 * Every event Guichet sends mail for, who reads it, and sample data with every variable the
 * event provides. `guichet templates check` renders each template with its sample and reports
 * variables a template uses that the event does not provide (a typo would render as nothing).
 */

const ticket = {
  id: 42,
  subject: 'Export des dons',
  status: 'in_progress',
  statusLabel: 'En cours de traitement',
  requester: 'chloe@asso.example',
  queue: 'support',
  priority: 'normal',
  assignee: 'alice@example.org',
};
const customer = { name: 'Chloé Martin', address: 'chloe@asso.example' };
const team = { name: 'Support' };
const previous = { id: 41, subject: 'Reçus fiscaux', closed: false };
/** Why a status mail is sent: exactly one of these is true. */
const reason = (which: string) => ({ customer: false, agent: false, no_answer: false, reminder: false, [which]: true });

export interface TemplateEvent {
  audience: 'customer' | 'agent';
  description: string;
  sample: Record<string, unknown>;
}

export const templateEvents: Record<string, TemplateEvent> = {
  'ack-new-ticket': { audience: 'customer', description: 'acknowledgement of a new ticket (with the split hint for multi-topic mail)', sample: { ticket, customer, team, mailbox: 'support@example.org', multiTopic: true, previous } },
  'ack-split-ticket': { audience: 'customer', description: 'a reply on another topic became a new linked ticket', sample: { ticket, customer, team, mailbox: 'support@example.org', multiTopic: false, previous } },
  'agent-reply': { audience: 'customer', description: "an agent's answer", sample: { ticket, customer, team, mailbox: 'support@example.org', message: 'Bonjour,\n\nC’est corrigé.', agent: { name: 'Alice Martin' } } },
  reopened: { audience: 'customer', description: 'the customer wrote on a resolved ticket', sample: { ticket, customer, team, mailbox: 'support@example.org', reason: reason('customer') } },
  resolved: { audience: 'customer', description: 'the ticket was resolved (by the customer, an agent, or for lack of answer)', sample: { ticket, customer, team, mailbox: 'support@example.org', reason: reason('no_answer') } },
  closed: { audience: 'customer', description: 'an agent closed the ticket without a message', sample: { ticket, customer, team, mailbox: 'support@example.org', reason: reason('agent') } },
  reminder: { audience: 'customer', description: 'waiting for the customer’s answer', sample: { ticket, customer, team, mailbox: 'support@example.org', reason: reason('reminder') } },
  'agent-notification': {
    audience: 'agent',
    description: 'a new ticket or customer message, to agents',
    sample: { ticket, agent: { name: 'Alice Martin', address: 'alice@example.org' }, team, isNewTicket: true, message: { from: 'chloe@asso.example', newText: 'Bonjour…', fullText: 'Bonjour…\n> old', hasMore: true }, spoofed: false, dueAt: '2026-11-27T14:00:00.000Z' },
  },
  'agent-command-error': { audience: 'agent', description: 'an agent reply with a refused command', sample: { ticket, agent: { name: 'Alice Martin', address: 'alice@example.org' }, team, errors: ['#frobnicate: unknown command'] } },
  'sla-warning': { audience: 'agent', description: 'a ticket nears or passed its response target', sample: { ticket, agent: { name: 'Alice Martin', address: 'alice@example.org' }, team, dueAt: '2026-11-27T14:00:00.000Z', breached: false } },
  'spool-quarantined': {
    audience: 'agent',
    description: 'an accepted message could not be filed and is in quarantine (at most one mail an hour)',
    sample: {
      agent: { name: 'Alice Martin', address: 'alice@example.org' },
      team,
      entry: { id: 'mi0x3k2a1-3f9c0d12ab77', mailbox: 'support@example.org', mailFrom: 'chloe@asso.example', receivedAt: '2026-11-27T09:12:00.000Z', reason: 'PROCESSING_FAILED', detail: 'PARSE_ATTACHMENT_WRITE_FAILED: cannot store an attachment: ENOSPC' },
      quarantinedCount: 1,
    },
  },
};

export const templateParts = ['subject', 'text', 'html'] as const;
