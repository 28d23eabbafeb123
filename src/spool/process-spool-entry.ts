/**
 * Runs one spooled message through the pipeline: parse → policy → thread → file → notify.
 * Everything that changes the store happens in one transaction together with the spool row's
 * new state, so a crash at any point leaves the entry pending and the next run starts over:
 * one ticket message and at most one queued acknowledgement per spooled message.
 * A message that cannot be parsed or has no sender is quarantined with its reason, never dropped.
 */
import { join } from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import { isGuichetError } from '../guichet-error.js';
import { chooseSender } from '../parse/choose-sender.js';
import { parseMessage } from '../parse/parse-message.js';
import type { MailAddress, ParsedMessage } from '../parse/parsed-message.js';
import { detectAutomatedMessage } from '../policy/detect-automated-message.js';
import type { Verdict } from '../policy/verdict.js';
import { resolveRecipient } from '../smtp/resolve-recipient.js';
import type { Database, SpoolRow } from '../store/database-schema.js';
import { recordDecision } from '../store/decision-repo.js';
import { markSpoolFiled, markSpoolQuarantined } from '../store/spool-repo.js';
import { threadLookups } from '../store/ticket-repo.js';
import { matchTicket } from '../thread/match-ticket.js';
import { fileMessage, type FileOutcome } from '../tickets/file-message.js';
import { queueCustomerMail } from '../notify/queue-customer-mail.js';
import type { TemplateStore } from '../notify/template-store.js';

export interface PipelineDeps {
  db: Kysely<Database>;
  config: Config;
  secret: string;
  templates: TemplateStore;
  logger: Logger;
}

export type ProcessResult = { kind: 'filed'; ticketId: number } | { kind: 'quarantined'; reason: string };

export async function processSpoolEntry(deps: PipelineDeps, entry: SpoolRow): Promise<ProcessResult> {
  const { db, config } = deps;
  let message: ParsedMessage;
  try {
    message = await parseMessage(join(config.dataDir, entry.raw_path), config.dataDir);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT' || ((error as Error).cause as NodeJS.ErrnoException)?.code === 'ENOENT';
    if (!missing && !(isGuichetError(error) && error.code === 'PARSE_MALFORMED')) throw error;
    return quarantine(db, entry, missing ? 'SPOOL_FILE_MISSING' : 'PARSE_MALFORMED', (error as Error).message);
  }
  const chosen = chooseSender(message, entry.mail_from);
  if (!chosen) return quarantine(db, entry, 'PARSE_NO_SENDER', 'no From header and a null envelope sender <>');
  const mailboxes = config.mailboxes.map((mailbox) => mailbox.address);
  const rcptTo = JSON.parse(entry.rcpt_to) as string[];
  const mailbox = rcptTo.map((rcpt) => resolveRecipient(rcpt, mailboxes)?.mailbox).find(Boolean) ?? mailboxes[0] ?? '';
  const verdict = detectAutomatedMessage({ message, envelopeFrom: entry.mail_from, sender: chosen.sender.address, ourAddresses: mailboxes });
  const flags = [...(chosen.fromHeader ? [] : ['no_from_header']), ...message.defects];
  const at = new Date().toISOString();
  const ticketId = await db.transaction().execute(async (trx) => {
    const decision = await matchTicket(
      { secret: deps.secret, mailboxes, rcptTo, sender: chosen.sender.address, message },
      threadLookups(trx),
    );
    const outcome = await fileMessage(trx, { spoolId: entry.id, message, sender: chosen.sender, flags, mailbox, ourAddresses: mailboxes, decision, locale: config.locale, at });
    const threadCode = decision.kind === 'existing' ? `THREAD_${decision.rule.toUpperCase()}` : `THREAD_NEW_${decision.reason.toUpperCase()}`;
    const threadDetail = decision.kind === 'existing' ? `ticket #${decision.ticketId}` : decision.note;
    await recordDecision(trx, { spoolId: entry.id, ticketId: outcome.ticket.id, stage: 'thread', code: threadCode, detail: threadDetail }, at);
    await notifyCustomer(trx, deps, { entry, outcome, verdict, sender: chosen.sender, message, at });
    await markSpoolFiled(trx, entry.id, outcome.ticket.id, at);
    return outcome.ticket.id;
  });
  deps.logger.info({ spoolId: entry.id, ticketId }, 'message filed');
  return { kind: 'filed', ticketId };
}

interface NotifyInput {
  entry: SpoolRow;
  outcome: FileOutcome;
  verdict: Verdict;
  sender: MailAddress;
  message: ParsedMessage;
  at: string;
}

/** The acknowledgement: for a new ticket only, and only when policy allows an automatic reply. */
async function notifyCustomer(trx: Transaction<Database>, deps: PipelineDeps, input: NotifyInput): Promise<void> {
  const { outcome, entry, at } = input;
  const ticketId = outcome.ticket.id;
  if (outcome.kind === 'duplicate') {
    const detail = `same Message-ID as message ${outcome.duplicateOf}`;
    await recordDecision(trx, { spoolId: entry.id, ticketId, stage: 'tickets', code: 'DUPLICATE_MESSAGE_ID', detail }, at);
    return;
  }
  if (outcome.note) await recordDecision(trx, { spoolId: entry.id, ticketId, stage: 'tickets', code: 'NEW_TICKET_AFTER_CLOSED', detail: outcome.note }, at);
  if (!outcome.isNewTicket) return;
  if (!input.verdict.autoReply) {
    const detail = `${input.verdict.reason}: ${input.verdict.detail}`;
    await recordDecision(trx, { spoolId: entry.id, ticketId, stage: 'policy', code: 'ACK_SUPPRESSED', detail }, at);
    return;
  }
  await queueCustomerMail(
    trx,
    { secret: deps.secret, templates: deps.templates, teamName: deps.config.outbound.name, envelopeFrom: deps.config.outbound.from ?? outcome.ticket.mailbox },
    {
      event: 'ack-new-ticket',
      ticket: outcome.ticket,
      to: input.sender,
      inReplyTo: input.message.messageId,
      references: input.message.references,
      automatic: true,
      at,
    },
  );
  await recordDecision(trx, { spoolId: entry.id, ticketId, stage: 'notify', code: 'ACK_QUEUED', detail: `to ${input.sender.address}` }, at);
}

async function quarantine(db: Kysely<Database>, entry: SpoolRow, reason: string, detail: string): Promise<ProcessResult> {
  const at = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    await markSpoolQuarantined(trx, entry.id, reason, detail, at);
    await recordDecision(trx, { spoolId: entry.id, ticketId: null, stage: 'spool', code: `QUARANTINED_${reason}`, detail }, at);
  });
  return { kind: 'quarantined', reason };
}
