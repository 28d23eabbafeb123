/**
 * Mail to one agent about a ticket (a notification, a command error), queued in the outbox in
 * the caller's transaction. Its Reply-To is that agent's own token for that ticket, so the
 * agent's answer is recognised as theirs; its signed Message-ID lets a reply that kept only
 * In-Reply-To find the ticket. Written in the configured locale: agents share one language.
 */
import type { Transaction } from 'kysely';
import type { Agent } from '../policy/identify-agent.js';
import type { Database, TicketRow } from '../store/database-schema.js';
import { enqueueMail } from '../store/outbox-repo.js';
import { agentKeyOf, makeReplyToken, replyAddress } from '../thread/reply-token.js';
import { makeMessageId } from '../thread/signed-message-id.js';
import type { OutgoingMail } from './outgoing-mail.js';
import type { MailDeps } from './queue-customer-mail.js';

export type AgentMailDeps = MailDeps;

export interface AgentMailInput {
  event: 'agent-notification' | 'agent-command-error' | 'sla-warning';
  ticket: TicketRow;
  agent: Agent;
  extra: Record<string, unknown>;
  inReplyTo: string | null;
  at: string;
}

export async function queueAgentMail(trx: Transaction<Database>, deps: AgentMailDeps, input: AgentMailInput): Promise<number> {
  const { ticket, agent } = input;
  const locale = deps.templates.resolveLocale(deps.config.locale);
  const rendered = deps.templates.render(input.event, locale, {
    ticket: {
      id: ticket.id,
      subject: ticket.subject,
      status: ticket.status,
      statusLabel: deps.templates.label(locale, ticket.status),
      requester: ticket.requester,
      queue: ticket.queue,
      priority: ticket.priority,
      assignee: ticket.assignee,
    },
    agent: { name: agent.name, address: agent.address },
    team: { name: deps.config.outbound.name },
    ...input.extra,
  });
  const domain = ticket.mailbox.split('@')[1] ?? 'localhost';
  const token = makeReplyToken(deps.secret, { ticketId: ticket.id, agentKey: agentKeyOf(agent.address) });
  const mail: OutgoingMail = {
    from: { name: `${deps.config.outbound.name} (Guichet)`, address: ticket.mailbox },
    to: [agent.address],
    cc: [],
    replyTo: replyAddress(ticket.mailbox, token),
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    messageId: makeMessageId(deps.secret, ticket.id, domain),
    inReplyTo: input.inReplyTo,
    references: input.inReplyTo ? [input.inReplyTo] : [],
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Loop': ticket.mailbox },
    envelope: { from: '', to: [agent.address] },
  };
  return enqueueMail(trx, { ticketId: ticket.id, event: input.event, mail, automatic: false, at: input.at });
}
