/**
 * Which agents hear about a ticket: its assignee; else the agents of its queue and the agents
 * looking after its customer (by domain or address); else every agent, so nothing goes unseen.
 */
import type { Agent } from '../policy/identify-agent.js';
import type { TicketRow } from '../store/database-schema.js';

export function agentsToNotify(agents: readonly Agent[], ticket: Pick<TicketRow, 'assignee' | 'queue' | 'requester'>, except?: string): Agent[] {
  const others = agents.filter((agent) => agent.address !== except);
  const assignee = others.find((agent) => agent.address === ticket.assignee);
  if (assignee) return [assignee];
  if (ticket.assignee && except === ticket.assignee) return [];
  const domain = ticket.requester.split('@')[1] ?? '';
  const concerned = others.filter(
    (agent) =>
      (ticket.queue !== null && agent.queues.includes(ticket.queue)) ||
      agent.customers.some((customer) => customer.toLowerCase() === ticket.requester || customer.toLowerCase() === domain),
  );
  return concerned.length > 0 ? concerned : others;
}

/** An agent named in "#assign alice": by address, by the local part of it, or by first name. */
export function findAgent(agents: readonly Agent[], wanted: string): Agent | undefined {
  const key = wanted.toLowerCase();
  return agents.find(
    (agent) =>
      agent.address === key ||
      agent.address.split('@')[0] === key ||
      agent.name.toLowerCase() === key ||
      agent.name.toLowerCase().split(/\s+/)[0] === key,
  );
}
