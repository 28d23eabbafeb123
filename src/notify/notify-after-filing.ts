/**
 * The mails that follow filing a customer's message, in the filing transaction: the status mail
 * when their own message reopened or resolved the ticket, the acknowledgement of a new ticket,
 * and the agents' notification (for what a person wrote, a bounce of our mail, or a suspected
 * spoof; never for robots' mail). Returns what became of the acknowledgement, if one was due.
 */
import type { Transaction } from 'kysely';
import type { Verdict } from '../policy/verdict.js';
import type { PreparedEntry } from '../spool/process-spool-entry.js';
import type { Database } from '../store/database-schema.js';
import type { FileOutcome } from '../tickets/file-message.js';
import { acknowledgeNewTicket } from './acknowledge-new-ticket.js';
import { notifyAgents } from './notify-agents.js';
import type { AgentMailDeps } from './queue-agent-mail.js';
import { queueStatusMail } from './queue-status-mail.js';

export interface AfterFilingInput {
  spoolId: string;
  filed: Extract<FileOutcome, { kind: 'filed' }>;
  prepared: PreparedEntry;
  verdict: Verdict;
  isBounce: boolean;
  spoofed: boolean;
  flags: readonly string[];
  at: string;
}

export async function notifyAfterFiling(trx: Transaction<Database>, deps: AgentMailDeps, input: AfterFilingInput): Promise<'queued' | 'suppressed' | null> {
  const { filed, prepared, verdict, at, spoolId } = input;
  if (filed.statusChange && verdict.autoReply) {
    await queueStatusMail(trx, deps, { event: filed.statusChange === 'reopened' ? 'reopened' : 'resolved', reason: 'customer', ticket: filed.ticket, at });
  }
  const ack = filed.isNewTicket
    ? await acknowledgeNewTicket(trx, deps, {
        spoolId,
        ticket: filed.ticket,
        sender: prepared.sender,
        message: prepared.message,
        verdict,
        auth: prepared.auth,
        link: filed.link,
        multiTopic: filed.multiTopic?.multiTopic ?? false,
        at,
      })
    : null;
  if (input.isBounce || verdict.autoReply || input.spoofed) {
    await notifyAgents(trx, deps, {
      spoolId,
      ticket: filed.ticket,
      isNewTicket: filed.isNewTicket,
      from: prepared.sender.address,
      newText: prepared.newText,
      fullText: prepared.message.text,
      messageId: prepared.message.messageId,
      flags: input.flags,
      at,
    });
  }
  return ack;
}
