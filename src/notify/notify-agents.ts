/**
 * Tells the agents concerned (see route-to-agents) that a ticket has news: a new ticket or a
 * customer reply. The notification shows the ticket, the new part of the message first and the
 * full text below a marker, and the commands an agent can put at the top of a reply.
 */
import type { Transaction } from 'kysely';
import type { Database, TicketRow } from '../store/database-schema.js';
import { recordDecision } from '../store/decision-repo.js';
import { agentsToNotify } from '../tickets/route-to-agents.js';
import { queueAgentMail, type AgentMailDeps } from './queue-agent-mail.js';

export interface NotifyAgentsInput {
  spoolId: string;
  ticket: TicketRow;
  isNewTicket: boolean;
  from: string;
  newText: string;
  fullText: string;
  messageId: string | null;
  flags: readonly string[];
  except?: string;
  at: string;
}

export async function notifyAgents(trx: Transaction<Database>, deps: AgentMailDeps, input: NotifyAgentsInput): Promise<void> {
  const agents = agentsToNotify(deps.config.agents, input.ticket, input.except);
  for (const agent of agents) {
    await queueAgentMail(trx, deps, {
      event: 'agent-notification',
      ticket: input.ticket,
      agent,
      inReplyTo: null,
      extra: {
        isNewTicket: input.isNewTicket,
        message: { from: input.from, newText: input.newText, fullText: input.fullText, hasMore: input.fullText.trim() !== input.newText.trim() },
        spoofed: input.flags.includes('spoofed'),
        dueAt: input.ticket.due_at,
      },
      at: input.at,
    });
  }
  if (agents.length > 0) {
    const detail = agents.map((agent) => agent.address).join(', ');
    await recordDecision(trx, { spoolId: input.spoolId, ticketId: input.ticket.id, stage: 'notify', code: 'AGENTS_NOTIFIED', detail }, input.at);
  }
}
