/**
 * Files an agent's reply into its ticket and applies the commands at its top, inside the
 * caller's transaction. All or nothing: if any command is unknown or not allowed (an agent or
 * queue that does not exist, a merge into a missing ticket), nothing changes, the reply is kept
 * as an internal message flagged command_error, and the caller mails the agent the errors.
 * Default effect of a reply with text: status `answered`. #note keeps the whole reply internal.
 */
import type { Transaction } from 'kysely';
import type { Config } from '../config/config-schema.js';
import type { ParsedMessage } from '../parse/parsed-message.js';
import { normalizeSubject } from '../parse/normalize-subject.js';
import type { Agent } from '../policy/identify-agent.js';
import type { Database, MessageRow, TicketRow } from '../store/database-schema.js';
import { insertMessage, listMessages } from '../store/message-repo.js';
import { addParticipants, findTicket, insertTicket } from '../store/ticket-repo.js';
import { inboundMessageRow } from './inbound-message-row.js';
import { parseAgentCommands, type AgentCommand } from './parse-agent-commands.js';
import { findAgent } from './route-to-agents.js';
import { nextStatus, type TicketEvent } from './ticket-lifecycle.js';
import { statusFields } from './status-fields.js';
import { isTicketStatus } from './ticket-status.js';

export interface AgentReplyInput {
  spoolId: string;
  ticket: TicketRow;
  agent: Agent;
  message: ParsedMessage;
  newText: string;
  at: string;
}

export interface AgentReplyOutcome {
  ticket: TicketRow;
  /** The text for the customer; empty when there is nothing to send. */
  body: string;
  internal: boolean;
  errors: string[];
  commands: AgentCommand[];
  messageRowId: number;
  split: { ticket: TicketRow; message: MessageRow } | null;
}

export async function fileAgentReply(trx: Transaction<Database>, config: Config, input: AgentReplyInput): Promise<AgentReplyOutcome> {
  const parsed = parseAgentCommands(input.newText);
  const errors = [...parsed.errors, ...(await checkCommands(trx, config, input.ticket, parsed.commands))];
  const internal = errors.length > 0 || parsed.commands.some((command) => command.name === 'note');
  const row = inboundMessageRow({
    ticketId: input.ticket.id,
    spoolId: input.spoolId,
    message: input.message,
    sender: { address: input.agent.address, name: input.agent.name },
    newText: parsed.body,
    flags: ['agent_reply', ...(errors.length > 0 ? ['command_error'] : [])],
    authJson: null,
    author: 'agent',
    internal,
    at: input.at,
  });
  const messageRowId = await insertMessage(trx, row, input.message.attachments);
  const base = { body: internal ? '' : parsed.body, internal, errors, commands: parsed.commands, messageRowId, split: null };
  if (errors.length > 0) return { ...base, ticket: input.ticket };
  const split = parsed.commands.some((command) => command.name === 'split') ? await splitLastCustomerMessage(trx, input) : null;
  const ticket = await applyCommands(trx, config, input, parsed.commands, base.body !== '');
  return { ...base, ticket, split };
}

async function checkCommands(trx: Transaction<Database>, config: Config, ticket: TicketRow, commands: readonly AgentCommand[]): Promise<string[]> {
  const queues = new Set([...config.mailboxes.flatMap((mailbox) => (mailbox.queue ? [mailbox.queue] : [])), ...config.agents.flatMap((agent) => agent.queues)]);
  const errors: string[] = [];
  for (const command of commands) {
    if (command.name === 'assign' && !findAgent(config.agents, command.agent)) errors.push(`#assign ${command.agent}: no such agent`);
    if (command.name === 'queue' && !queues.has(command.queue)) errors.push(`#queue ${command.queue}: no such queue (known: ${[...queues].join(', ') || 'none'})`);
    if (command.name === 'merge') {
      const target = await findTicket(trx, command.ticketId);
      if (!target || target.id === ticket.id) errors.push(`#merge ${command.ticketId}: no other ticket with that number`);
    }
  }
  const statusCommands = commands.filter((command) => ['close', 'resolve', 'wait', 'merge'].includes(command.name));
  if (statusCommands.length > 1) errors.push('only one of #close, #resolve, #wait, #merge at a time');
  return errors;
}

async function applyCommands(trx: Transaction<Database>, config: Config, input: AgentReplyInput, commands: readonly AgentCommand[], hasText: boolean): Promise<TicketRow> {
  const current = isTicketStatus(input.ticket.status) ? input.ticket.status : 'new';
  const events: Record<string, TicketEvent> = { close: 'agent_close', resolve: 'agent_resolve', wait: 'agent_wait', merge: 'agent_close' };
  const statusCommand = commands.find((command) => command.name in events);
  const event = statusCommand ? events[statusCommand.name] : hasText ? 'agent_reply' : undefined;
  const changes: Partial<TicketRow> = statusFields(config, input.ticket, event ? nextStatus(current, event) : current, input.at);
  for (const command of commands) {
    if (command.name === 'assign') changes.assignee = findAgent(config.agents, command.agent)?.address ?? null;
    if (command.name === 'queue') changes.queue = command.queue;
    if (command.name === 'priority') changes.priority = command.priority;
    if (command.name === 'merge') changes.merged_into = command.ticketId;
  }
  await trx.updateTable('tickets').set(changes).where('id', '=', input.ticket.id).execute();
  return { ...input.ticket, ...changes };
}

/** #split: the customer's latest message moves to a new ticket linked to this one. */
async function splitLastCustomerMessage(trx: Transaction<Database>, input: AgentReplyInput): Promise<AgentReplyOutcome['split']> {
  const last = (await listMessages(trx, input.ticket.id)).filter((message) => message.direction === 'in' && message.author === 'customer').at(-1);
  if (!last) return null;
  const subject = normalizeSubject(last.subject) || input.ticket.subject;
  const ticket = await insertTicket(trx, {
    subject,
    normalizedSubject: subject.toLowerCase(),
    requester: last.from_address,
    mailbox: input.ticket.mailbox,
    locale: input.ticket.locale,
    language: input.ticket.language,
    flags: [],
    splitFrom: input.ticket.id,
    followsUp: null,
    queue: input.ticket.queue,
    createdAt: input.at,
  });
  await trx.updateTable('messages').set({ ticket_id: ticket.id }).where('id', '=', last.id).execute();
  await addParticipants(trx, ticket.id, [last.from_address], 'requester', input.at);
  return { ticket, message: last };
}
