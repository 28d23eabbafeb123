/**
 * The mails that follow an agent's reply: its text to the customer (template `agent-reply`,
 * from the mailbox under the agent's name, threaded to the customer's last message, customer
 * CCs kept, the agent's own To/Cc/Bcc never copied, attachments carried over); or, when a
 * command was refused, a short error mail to the agent and nothing to the customer; and the
 * acknowledgement of a ticket split off by #split.
 */
import { join } from 'node:path';
import type { Transaction } from 'kysely';
import type { Agent } from '../policy/identify-agent.js';
import type { ParsedMessage } from '../parse/parsed-message.js';
import type { Database } from '../store/database-schema.js';
import { recordDecision } from '../store/decision-repo.js';
import { listMessages } from '../store/message-repo.js';
import { listParticipants } from '../store/ticket-repo.js';
import type { AgentReplyOutcome } from '../tickets/file-agent-reply.js';
import { queueAgentMail, type AgentMailDeps } from './queue-agent-mail.js';
import { queueCustomerMail } from './queue-customer-mail.js';
import { queueStatusMail } from './queue-status-mail.js';

export interface RelayInput {
  spoolId: string;
  agent: Agent;
  message: ParsedMessage;
  outcome: AgentReplyOutcome;
  at: string;
}

export async function relayAgentReply(trx: Transaction<Database>, deps: AgentMailDeps, input: RelayInput): Promise<void> {
  const { outcome, agent, spoolId, at } = input;
  const ticketId = outcome.ticket.id;
  if (outcome.errors.length > 0) {
    await queueAgentMail(trx, deps, { event: 'agent-command-error', ticket: outcome.ticket, agent, inReplyTo: input.message.messageId, extra: { errors: outcome.errors }, at });
    await recordDecision(trx, { spoolId, ticketId, stage: 'tickets', code: 'AGENT_COMMAND_REFUSED', detail: outcome.errors.join('; ') }, at);
    return;
  }
  const commands = outcome.commands.map((command) => `#${command.name}`).join(' ');
  await recordDecision(trx, { spoolId, ticketId, stage: 'tickets', code: 'AGENT_REPLY', detail: `${agent.address}${commands ? ` ${commands}` : ''} → ${outcome.ticket.status}` }, at);
  if (outcome.split) {
    const { ticket, message } = outcome.split;
    await queueCustomerMail(trx, deps, {
      event: 'ack-split-ticket',
      ticket,
      to: { address: ticket.requester, name: message.from_name },
      inReplyTo: message.message_id,
      references: [],
      automatic: true,
      extra: { previous: { id: outcome.ticket.id, subject: outcome.ticket.subject, closed: false } },
      at,
    });
  }
  if (!outcome.body) {
    // A #resolve or #close without a message still tells the customer where their request stands.
    const status = outcome.ticket.status;
    if (!outcome.internal && (status === 'resolved' || status === 'closed') && outcome.commands.some((command) => command.name === 'resolve' || command.name === 'close')) {
      await queueStatusMail(trx, deps, { event: status, reason: 'agent', ticket: outcome.ticket, at });
    }
    return;
  }
  const history = await listMessages(trx, ticketId);
  const lastCustomer = history.filter((message) => message.direction === 'in' && message.author === 'customer').at(-1);
  const agents = new Set(deps.config.agents.map((candidate) => candidate.address));
  const cc = (await listParticipants(trx, ticketId)).filter((participant) => participant.role === 'cc' && !agents.has(participant.address)).map((participant) => participant.address);
  await queueCustomerMail(trx, deps, {
    event: 'agent-reply',
    ticket: outcome.ticket,
    to: { address: outcome.ticket.requester, name: null },
    cc: cc.filter((address) => address !== outcome.ticket.requester),
    inReplyTo: lastCustomer?.message_id ?? null,
    references: history.flatMap((message) => (message.message_id && !message.internal ? [message.message_id] : [])).slice(-10),
    automatic: false,
    fromName: agent.name,
    extra: { message: outcome.body, agent: { name: agent.name } },
    attachments: input.message.attachments.map((file) => ({ filename: file.filename, contentType: file.contentType, path: join(deps.config.dataDir, file.storedPath) })),
    at,
  });
}
