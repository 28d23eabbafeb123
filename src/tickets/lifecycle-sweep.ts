/**
 * The timed part of the lifecycle, run every minute with an explicit `now` (so tests can run it
 * at a chosen time): a ticket awaiting the customer for `remindAwaitingAfterDays` gets one
 * reminder; still silent `resolveAwaitingAfterDays` after it, it is resolved; a resolved ticket
 * untouched for `closeResolvedAfterDays` is closed; and agents are warned once when a ticket
 * comes within `sla.warnBeforeMinutes` of its due time. Each ticket changes in its own
 * transaction, with its mail queued in the same one.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import { queueAgentMail } from '../notify/queue-agent-mail.js';
import { queueStatusMail } from '../notify/queue-status-mail.js';
import type { TemplateStore } from '../notify/template-store.js';
import type { Database, TicketRow } from '../store/database-schema.js';
import { recordDecision } from '../store/decision-repo.js';
import { lockTicket } from '../store/ticket-repo.js';
import { agentsToNotify } from './route-to-agents.js';
import { statusFields } from './status-fields.js';

export interface SweepDeps {
  db: Kysely<Database>;
  config: Config;
  secret: string;
  templates: TemplateStore;
  logger: Logger;
}

const DAY = 86_400_000;

export async function runLifecycleSweep(deps: SweepDeps, now: Date): Promise<number> {
  const { db, config } = deps;
  const ago = (days: number) => new Date(now.getTime() - days * DAY).toISOString();
  const { lifecycle } = config;
  const toRemind = await db.selectFrom('tickets').selectAll().where('status', '=', 'awaiting_customer').where('reminded_at', 'is', null).where('status_changed_at', '<=', ago(lifecycle.remindAwaitingAfterDays)).execute();
  const toResolve = await db.selectFrom('tickets').selectAll().where('status', '=', 'awaiting_customer').where('reminded_at', '<=', ago(lifecycle.resolveAwaitingAfterDays)).execute();
  const toClose = await db.selectFrom('tickets').selectAll().where('status', '=', 'resolved').where('status_changed_at', '<=', ago(lifecycle.closeResolvedAfterDays)).execute();
  const warnBy = new Date(now.getTime() + config.sla.warnBeforeMinutes * 60_000).toISOString();
  const toWarn = await db.selectFrom('tickets').selectAll().where('due_at', 'is not', null).where('due_at', '<=', warnBy).where('sla_warned', '=', 0).execute();
  const at = now.toISOString();
  // Each step re-reads its ticket under lock: a customer's reply, or another gateway's sweep, may have come first.
  const unchanged = (before: TicketRow) => (current: TicketRow) => current.status === before.status && current.status_changed_at === before.status_changed_at;
  let changed = 0;
  for (const ticket of toRemind) changed += await step(deps, ticket, (t) => unchanged(ticket)(t) && t.reminded_at === null, (trx, t) => remind(trx, deps, t, at));
  for (const ticket of toResolve) changed += await step(deps, ticket, unchanged(ticket), (trx, t) => changeStatus(trx, deps, t, 'resolved', 'AUTO_RESOLVED_NO_ANSWER', at));
  for (const ticket of toClose) changed += await step(deps, ticket, unchanged(ticket), (trx, t) => changeStatus(trx, deps, t, 'closed', 'AUTO_CLOSED', at));
  for (const ticket of toWarn) changed += await step(deps, ticket, (t) => t.sla_warned === 0 && t.due_at === ticket.due_at, (trx, t) => warnAgents(trx, deps, t, now));
  return changed;
}

/** Runs one change in its own transaction if the ticket, locked and re-read, still calls for it; 1 if it ran. */
async function step(deps: SweepDeps, ticket: TicketRow, stillDue: (current: TicketRow) => boolean, work: (trx: Transaction<Database>, current: TicketRow) => Promise<void>): Promise<number> {
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const current = await lockTicket(trx, ticket.id);
      if (!current || !stillDue(current)) return 0;
      await work(trx, current);
      return 1;
    });
  } catch (error) {
    deps.logger.error({ err: error, ticketId: ticket.id }, 'lifecycle step failed; retried on the next sweep');
    return 0;
  }
}

async function remind(trx: Transaction<Database>, deps: SweepDeps, ticket: TicketRow, at: string): Promise<void> {
  await trx.updateTable('tickets').set({ reminded_at: at }).where('id', '=', ticket.id).execute();
  await queueStatusMail(trx, deps, { event: 'reminder', reason: 'reminder', ticket, at });
  await recordDecision(trx, { spoolId: null, ticketId: ticket.id, stage: 'tickets', code: 'REMINDER_SENT', detail: `awaiting the customer since ${ticket.status_changed_at}` }, at);
}

async function changeStatus(trx: Transaction<Database>, deps: SweepDeps, ticket: TicketRow, status: 'resolved' | 'closed', code: string, at: string): Promise<void> {
  const fields = statusFields(deps.config, ticket, status, at);
  await trx.updateTable('tickets').set(fields).where('id', '=', ticket.id).execute();
  // Resolving for lack of an answer is news to the customer; closing a resolved ticket is not.
  if (status === 'resolved') await queueStatusMail(trx, deps, { event: 'resolved', reason: 'no_answer', ticket: { ...ticket, ...fields }, at });
  await recordDecision(trx, { spoolId: null, ticketId: ticket.id, stage: 'tickets', code, detail: `${ticket.status} → ${status}` }, at);
}

async function warnAgents(trx: Transaction<Database>, deps: SweepDeps, ticket: TicketRow, now: Date): Promise<void> {
  await trx.updateTable('tickets').set({ sla_warned: 1 }).where('id', '=', ticket.id).execute();
  const breached = ticket.due_at !== null && ticket.due_at < now.toISOString();
  for (const agent of agentsToNotify(deps.config.agents, ticket)) {
    await queueAgentMail(trx, deps, { event: 'sla-warning', ticket, agent, inReplyTo: null, extra: { dueAt: ticket.due_at, breached }, at: now.toISOString() });
  }
  await recordDecision(trx, { spoolId: null, ticketId: ticket.id, stage: 'tickets', code: breached ? 'SLA_BREACHED' : 'SLA_WARNING', detail: `due ${ticket.due_at}` }, now.toISOString());
}
