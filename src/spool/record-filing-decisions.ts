/**
 * The decisions log entries of a filing: which rule threaded the message, why a ticket was
 * linked to another, split, reopened, resolved by its customer or made urgent, a multi-topic
 * first message, a suspected spoof, and bounces of our own mail.
 */
import type { Transaction } from 'kysely';
import type { ParsedMessage } from '../parse/parsed-message.js';
import type { AgentIdentity } from '../policy/identify-agent.js';
import type { Database } from '../store/database-schema.js';
import { recordDecision } from '../store/decision-repo.js';
import { flagOutgoingBounced } from '../store/message-repo.js';
import { markMailBounced } from '../store/outbox-repo.js';
import type { ThreadDecision } from '../thread/thread-decision.js';
import type { FileOutcome } from '../tickets/file-message.js';

export function describeDecision(decision: ThreadDecision): { code: string; detail: string | null } {
  if (decision.kind === 'existing') return { code: `THREAD_${decision.rule.toUpperCase()}`, detail: `ticket #${decision.ticketId}` };
  return { code: `THREAD_NEW_${decision.reason.toUpperCase()}`, detail: decision.note };
}

/** Why a new ticket is linked to another, and a multi-topic first message, in the decisions log. */
export async function recordTicketDecisions(trx: Transaction<Database>, spoolId: string, filed: Extract<FileOutcome, { kind: 'filed' }>, at: string): Promise<void> {
  const ticketId = filed.ticket.id;
  if (filed.link?.kind === 'split') {
    const detail = `reply to #${filed.link.from.id} on another topic (subject similarity ${filed.link.similarity} < threshold): "${filed.link.from.subject}" → "${filed.ticket.subject}"`;
    await recordDecision(trx, { spoolId, ticketId, stage: 'tickets', code: 'SPLIT_TOPIC_CHANGE', detail }, at);
    await recordDecision(trx, { spoolId, ticketId: filed.link.from.id, stage: 'tickets', code: 'SPLIT_INTO', detail: `#${ticketId} "${filed.ticket.subject}"` }, at);
  }
  if (filed.link?.kind === 'after_closed') {
    await recordDecision(trx, { spoolId, ticketId, stage: 'tickets', code: 'NEW_TICKET_AFTER_CLOSED', detail: `#${filed.link.from.id} is closed` }, at);
  }
  if (filed.urgentPhrase) {
    await recordDecision(trx, { spoolId, ticketId, stage: 'tickets', code: 'PRIORITY_URGENT', detail: `urgency phrase "${filed.urgentPhrase}"` }, at);
  }
  if (filed.statusChange) {
    await recordDecision(trx, { spoolId, ticketId, stage: 'tickets', code: filed.statusChange === 'reopened' ? 'REOPENED' : 'RESOLVED_BY_CUSTOMER', detail: null }, at);
  }
  if (filed.multiTopic?.multiTopic) {
    const detail = filed.multiTopic.topics.map((words) => words.slice(0, 6).join(' ')).join(' | ');
    await recordDecision(trx, { spoolId, ticketId, stage: 'tickets', code: 'MULTI_TOPIC', detail }, at);
  }
}

export async function recordBounce(trx: Transaction<Database>, spoolId: string, ticketId: number, message: ParsedMessage, at: string): Promise<void> {
  const ids = message.reportedMessageIds;
  await flagOutgoingBounced(trx, ids);
  const failed = await markMailBounced(trx, ids, message.subject || 'delivery report');
  await recordDecision(trx, { spoolId, ticketId, stage: 'notify', code: 'NOTIFY_BOUNCED', detail: `${failed} outgoing mail(s) reported undeliverable: ${ids.join(' ')}` }, at);
}

/** A message claiming an agent without proof, or using an agent's token from another address. */
export async function recordIdentityDecision(trx: Transaction<Database>, spoolId: string, ticketId: number, identity: AgentIdentity, sender: string, at: string): Promise<void> {
  if (identity.kind !== 'spoofed' && identity.kind !== 'token_misused') return;
  const detail =
    identity.kind === 'spoofed'
      ? `From claims agent ${identity.claimed.address} without its token or aligned authentication`
      : `token of ${identity.tokenAgent.address} for #${identity.ticketId} used by ${sender}`;
  await recordDecision(trx, { spoolId, ticketId, stage: 'policy', code: identity.kind === 'spoofed' ? 'AGENT_SPOOF_SUSPECTED' : 'AGENT_TOKEN_MISUSED', detail }, at);
}
