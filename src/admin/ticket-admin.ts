/**
 * Ticket changes made by a person outside mail (CLI, admin page): set the status, assign an
 * agent, add an internal note. Each is recorded in the decisions log with who did it, so the
 * ticket's history stays complete. Validation errors are GuichetError CLI_USAGE / CLI_NOT_FOUND.
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config/config-schema.js';
import { GuichetError } from '../guichet-error.js';
import type { Database, TicketRow } from '../store/database-schema.js';
import { recordDecision } from '../store/decision-repo.js';
import { insertMessage } from '../store/message-repo.js';
import { findTicket } from '../store/ticket-repo.js';
import { findAgent } from '../tickets/route-to-agents.js';
import { statusFields } from '../tickets/status-fields.js';
import { isTicketStatus, ticketStatuses } from '../tickets/ticket-status.js';

async function requireTicket(db: Kysely<Database>, id: number): Promise<TicketRow> {
  const ticket = await findTicket(db, id);
  if (!ticket) throw new GuichetError('CLI_NOT_FOUND', `no ticket #${id}`);
  return ticket;
}

export async function setTicketStatus(db: Kysely<Database>, config: Config, id: number, status: string, by: string): Promise<TicketRow> {
  if (!isTicketStatus(status)) throw new GuichetError('CLI_USAGE', `unknown status "${status}"; use one of ${ticketStatuses.join(', ')}`);
  const ticket = await requireTicket(db, id);
  const at = new Date().toISOString();
  const fields = statusFields(config, ticket, status, at);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('tickets').set(fields).where('id', '=', id).execute();
    await recordDecision(trx, { spoolId: null, ticketId: id, stage: 'tickets', code: 'STATUS_SET', detail: `${ticket.status} → ${status} by ${by}` }, at);
  });
  return { ...ticket, ...fields };
}

export async function assignTicket(db: Kysely<Database>, config: Config, id: number, wanted: string, by: string): Promise<TicketRow> {
  const agent = findAgent(config.agents, wanted);
  if (!agent) throw new GuichetError('CLI_USAGE', `no agent "${wanted}" (agents: ${config.agents.map((candidate) => candidate.address).join(', ') || 'none configured'})`);
  const ticket = await requireTicket(db, id);
  const at = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('tickets').set({ assignee: agent.address, updated_at: at }).where('id', '=', id).execute();
    await recordDecision(trx, { spoolId: null, ticketId: id, stage: 'tickets', code: 'ASSIGNED', detail: `${agent.address} by ${by}` }, at);
  });
  return { ...ticket, assignee: agent.address, updated_at: at };
}

export async function addInternalNote(db: Kysely<Database>, id: number, text: string, by: string): Promise<void> {
  if (!text.trim()) throw new GuichetError('CLI_USAGE', 'the note is empty');
  const ticket = await requireTicket(db, id);
  const at = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    await insertMessage(trx, {
      ticket_id: ticket.id,
      spool_id: null,
      direction: 'in',
      message_id: null,
      in_reply_to: null,
      references_json: '[]',
      from_address: by,
      from_name: null,
      to_json: '[]',
      cc_json: '[]',
      subject: `[#${ticket.id}] note`,
      text,
      new_text: text,
      html: null,
      sent_at: at,
      flags_json: JSON.stringify(['internal_note']),
      auth_json: null,
      author: 'agent',
      internal: 1,
      created_at: at,
    });
    await recordDecision(trx, { spoolId: null, ticketId: id, stage: 'tickets', code: 'NOTE_ADDED', detail: `by ${by}` }, at);
  });
}
