/**
 * Runs one spooled message through the pipeline: parse → policy → thread → file → notify.
 * Everything that changes the store happens in one transaction together with the spool row's
 * new state, so a crash at any point leaves the entry pending and the next run starts over:
 * one ticket message and at most one queued acknowledgement per spooled message.
 * A message that cannot be parsed or has no sender is quarantined with its reason, never
 * dropped; a sender opening too many tickets has further new tickets held, visible in the CLI, and
 * so has an agent's answer to a quarantine alert.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DNSResolver } from 'mailauth';
import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import { isGuichetError } from '../guichet-error.js';
import type { TemplateStore } from '../notify/template-store.js';
import { chooseSender } from '../parse/choose-sender.js';
import { detectLanguage } from '../parse/detect-language.js';
import { extractNewPart } from '../parse/extract-new-part.js';
import { normalizeSubject } from '../parse/normalize-subject.js';
import { parseMessage } from '../parse/parse-message.js';
import type { MailAddress, ParsedMessage } from '../parse/parsed-message.js';
import { checkSenderAuth, type SenderAuth } from '../policy/check-sender-auth.js';
import { detectAutomatedMessage } from '../policy/detect-automated-message.js';
import { mailboxOfEnvelope } from '../smtp/resolve-recipient.js';
import type { Database, SpoolRow, TicketRow } from '../store/database-schema.js';
import { recordDecision } from '../store/decision-repo.js';
import { alertQuarantine } from '../notify/alert-quarantine.js';
import { rawMessageOf } from './raw-message.js';
import { lockPendingSpool, markSpoolFiled, markSpoolHeld, markSpoolQuarantined, type ClaimedSpoolEntry } from '../store/spool-repo.js';
import { countTicketsOpenedBy, findLastLanguageOf, lockTicket, threadLookups } from '../store/ticket-repo.js';
import { readSubjectTag } from '../thread/read-subject-tag.js';
import { answeredAlert } from '../thread/alert-message-id.js';
import { fileAgentReply } from '../tickets/file-agent-reply.js';
import { relayAgentReply } from '../notify/relay-agent-reply.js';
import { identifyAgent, type Agent } from '../policy/identify-agent.js';
import type { Verdict } from '../policy/verdict.js';
import type { Metrics } from '../admin/metrics.js';
import { matchTicket } from '../thread/match-ticket.js';
import type { ThreadDecision } from '../thread/thread-decision.js';
import { fileMessage } from '../tickets/file-message.js';
import { notifyAfterFiling } from '../notify/notify-after-filing.js';
import { describeDecision, recordBounce, recordIdentityDecision, recordTicketDecisions } from './record-filing-decisions.js';

export interface PipelineDeps {
  db: Kysely<Database>;
  config: Config;
  secret: string;
  templates: TemplateStore;
  logger: Logger;
  resolver?: DNSResolver;
  metrics?: Metrics;
}

export type ProcessResult =
  | { kind: 'filed'; ticketId: number }
  | { kind: 'quarantined'; reason: string }
  | { kind: 'held'; reason: string }
  /** Another gateway sharing the database filed it first. */
  | { kind: 'taken' };

/** What the network- and CPU-bound first half (parse, sender authentication) hands to filing. */
export interface PreparedEntry {
  entry: SpoolRow;
  message: ParsedMessage;
  newText: string;
  sender: MailAddress;
  fromHeader: boolean;
  auth: SenderAuth;
}

/**
 * Parses the message and checks its sender's authentication. Independent per message, so the
 * spool worker runs several at once (DNS round trips overlap); filing then runs one at a time.
 */
export async function prepareSpoolEntry(deps: PipelineDeps, entry: ClaimedSpoolEntry): Promise<PreparedEntry | ProcessResult> {
  const { config } = deps;
  const raw = rawMessageOf(config.dataDir, entry);
  let message: ParsedMessage;
  try {
    message = await parseMessage(raw, config.dataDir);
  } catch (error) {
    // The spool file gone for good is quarantined; any other fault of the disk (SPOOL_READ_FAILED,
    // PARSE_ATTACHMENT_WRITE_FAILED) is thrown, and the worker retries the entry with backoff.
    const missing =
      (error as NodeJS.ErrnoException).code === 'ENOENT' || (isGuichetError(error) && error.code === 'SPOOL_READ_FAILED' && (error.cause as NodeJS.ErrnoException)?.code === 'ENOENT');
    if (!missing && !(isGuichetError(error) && error.code === 'PARSE_MALFORMED')) throw error;
    return quarantineSpoolEntry(deps, entry, missing ? 'SPOOL_FILE_MISSING' : 'PARSE_MALFORMED', (error as Error).message);
  }
  const chosen = chooseSender(message, entry.mail_from);
  if (!chosen) return quarantineSpoolEntry(deps, entry, 'PARSE_NO_SENDER', 'no From header and a null envelope sender <>');
  const auth = await checkSenderAuth({
    raw,
    remoteAddress: entry.remote_address,
    helo: entry.helo,
    mailFrom: entry.mail_from,
    fromAddress: message.from?.address ?? null,
    mta: config.smtp.hostname,
    resolver: deps.resolver,
  });
  // Text that came from the HTML is cut again from the HTML, where the quote containers show.
  const newText = message.textFromHtml ? extractNewPart('', message.html, message.text) : extractNewPart(message.text, message.html);
  return { entry, message, newText, sender: chosen.sender, fromHeader: chosen.fromHeader, auth };
}

export type BatchResult = ProcessResult | { kind: 'failed'; error: unknown };

/**
 * Files prepared entries in one transaction, each under its own savepoint: one commit (one WAL
 * fsync) for the batch, and an entry that fails is rolled back alone and reported as `failed`.
 * Throws when the transaction itself fails (nothing of the batch is then filed).
 */
export async function fileSpoolEntries(deps: PipelineDeps, batch: readonly PreparedEntry[]): Promise<BatchResult[]> {
  const results: BatchResult[] = [];
  const trx = await deps.db.startTransaction().execute();
  try {
    for (const prepared of batch) {
      const point = await trx.savepoint('entry').execute();
      try {
        results.push(await fileInto(point, deps, prepared));
        await point.releaseSavepoint('entry').execute();
      } catch (error) {
        await point.rollbackToSavepoint('entry').execute();
        results.push({ kind: 'failed', error });
      }
    }
    await trx.commit().execute();
  } catch (error) {
    await trx.rollback().execute().catch(() => undefined);
    throw error;
  }
  batch.forEach((prepared, index) => {
    const outcome = results[index]!;
    if (outcome.kind !== 'filed' && outcome.kind !== 'held') return;
    deps.logger.info({ spoolId: prepared.entry.id, ...outcome }, outcome.kind === 'filed' ? 'message filed' : 'message held');
    deps.metrics?.processing.observe((Date.now() - Date.parse(prepared.entry.received_at)) / 1000);
  });
  return results;
}

/** Policy, threading, filing and notification of one entry, inside the caller's transaction. */
async function fileInto(trx: Transaction<Database>, deps: PipelineDeps, prepared: PreparedEntry): Promise<ProcessResult> {
  const { config } = deps;
  const { entry, message, sender, auth } = prepared;
  const mailboxes = config.mailboxes.map((mailbox) => mailbox.address);
  const rcptTo = JSON.parse(entry.rcpt_to) as string[];
  const mailbox = mailboxOfEnvelope(rcptTo, mailboxes) ?? '';
  const identity = identifyAgent({ agents: config.agents, secret: deps.secret, mailboxes, rcptTo, fromAddress: message.from?.address ?? null, auth });
  const automated = detectAutomatedMessage({ message, envelopeFrom: entry.mail_from, sender: sender.address, ourAddresses: mailboxes });
  const verdict: Verdict =
    identity.kind === 'spoofed' ? { action: 'file', autoReply: false, reason: 'spoofed_agent', detail: `From claims agent ${identity.claimed.address} without token or aligned authentication` } : automated;
  const flags = [
    ...(prepared.fromHeader ? [] : ['no_from_header']),
    ...message.defects,
    ...(identity.kind === 'spoofed' ? ['spoofed'] : identity.kind === 'token_misused' ? ['agent_token_misused'] : []),
  ];
  const at = new Date().toISOString();
  if (!(await lockPendingSpool(trx, entry.id))) return { kind: 'taken' };
  const decision = await matchTicket({ secret: deps.secret, mailboxes, rcptTo, sender: sender.address, message }, threadLookups(trx));
  // Another gateway may be filing into the same ticket: take turns on its row.
  if (decision.kind === 'existing') await lockTicket(trx, decision.ticketId);
  if (identity.kind === 'agent') {
    const ticket = await lockTicket(trx, identity.ticketId ?? (decision.kind === 'existing' ? decision.ticketId : (readSubjectTag(message.subject) ?? 0)));
    if (ticket) return fileFromAgent(trx, deps, { prepared, ticket, agent: identity.agent, proof: identity.proof, at });
  }
  const hold = await holdReason(trx, deps, { entry, message, decision, sender: sender.address, at });
  if (hold) {
    await markSpoolHeld(trx, entry.id, hold.reason, hold.detail, at);
    await recordDecision(trx, { spoolId: entry.id, ticketId: null, stage: 'policy', code: `HELD_${hold.reason}`, detail: hold.detail }, at);
    return { kind: 'held', reason: hold.reason };
  }
  const isBounce = decision.kind === 'existing' && decision.rule === 'bounce';
  // Only for a ticket being opened: a known customer keeps their language, else detect it.
  const chooseLanguage = async () => {
    const language = (await findLastLanguageOf(trx, sender.address)) ?? detectLanguage(`${normalizeSubject(message.subject)}\n${prepared.newText}`);
    return { language, locale: deps.templates.resolveLocale(language) };
  };
  const filed = await fileMessage(trx, {
    spoolId: entry.id,
    message,
    newText: prepared.newText,
    sender,
    flags,
    auth,
    mailbox,
    queue: config.mailboxes.find((candidate) => candidate.address === mailbox)?.queue ?? null,
    ourAddresses: mailboxes,
    decision,
    chooseLanguage,
    splitThreshold: config.topics.splitThreshold,
    fromCustomer: !isBounce,
    config,
    at,
  });
  const ticketId = filed.ticket.id;
  await recordDecision(trx, { spoolId: entry.id, ticketId, stage: 'thread', ...describeDecision(decision) }, at);
  await recordIdentityDecision(trx, entry.id, ticketId, identity, sender.address, at);
  if (filed.kind === 'duplicate') {
    await recordDecision(trx, { spoolId: entry.id, ticketId, stage: 'tickets', code: 'DUPLICATE_MESSAGE_ID', detail: `same Message-ID as message ${filed.duplicateOf}` }, at);
  } else {
    await recordTicketDecisions(trx, entry.id, filed, at);
    if (isBounce) await recordBounce(trx, entry.id, ticketId, message, at);
    const ack = await notifyAfterFiling(trx, { config, secret: deps.secret, templates: deps.templates }, { spoolId: entry.id, filed, prepared, verdict, isBounce, spoofed: identity.kind === 'spoofed', flags, at });
    if (filed.isNewTicket) deps.metrics?.ticketsCreated.inc();
    if (ack) deps.metrics?.autoReplies.inc({ result: ack });
  }
  await markSpoolFiled(trx, entry.id, ticketId, at);
  return { kind: 'filed', ticketId };
}

/**
 * Why a message that would open a ticket is held instead, if it is: it answers one of our
 * quarantine alerts (an agent's reply, not a customer's request), or its sender opened more than
 * `limits.newTicketsPerSenderPerHour` tickets in the last hour. An admin's release files it anyway.
 */
async function holdReason(
  trx: Transaction<Database>,
  deps: PipelineDeps,
  input: { entry: SpoolRow; message: ParsedMessage; decision: ThreadDecision; sender: string; at: string },
): Promise<{ reason: string; detail: string } | null> {
  const { entry, sender } = input;
  if (input.decision.kind !== 'new' || entry.released) return null;
  const release = `release with: guichet spool release ${entry.id}`;
  const alerted = answeredAlert(deps.secret, input.message);
  if (alerted !== null) return { reason: 'REPLY_TO_ALERT', detail: `answers the quarantine alert about spool entry ${alerted}, so it opens no ticket; ${release}` };
  const since = new Date(Date.parse(input.at) - 3_600_000).toISOString();
  const opened = await countTicketsOpenedBy(trx, sender, since);
  const limit = deps.config.limits.newTicketsPerSenderPerHour;
  return opened >= limit ? { reason: 'RATE_LIMIT_NEW_TICKETS', detail: `${sender} opened ${opened} tickets in the last hour (limit ${limit}); ${release}` } : null;
}

/** An agent's reply: commands applied, text relayed to the customer (or errors to the agent). */
async function fileFromAgent(
  trx: Transaction<Database>,
  deps: PipelineDeps,
  input: { prepared: PreparedEntry; ticket: TicketRow; agent: Agent; proof: string; at: string },
): Promise<ProcessResult> {
  const { prepared, ticket, agent, at } = input;
  const outcome = await fileAgentReply(trx, deps.config, { spoolId: prepared.entry.id, ticket, agent, message: prepared.message, newText: prepared.newText, at });
  await recordDecision(trx, { spoolId: prepared.entry.id, ticketId: ticket.id, stage: 'policy', code: 'AGENT_IDENTIFIED', detail: `${agent.address} by ${input.proof}` }, at);
  await relayAgentReply(trx, { config: deps.config, secret: deps.secret, templates: deps.templates }, { spoolId: prepared.entry.id, agent, message: prepared.message, outcome, at });
  await markSpoolFiled(trx, prepared.entry.id, ticket.id, at);
  return { kind: 'filed', ticketId: ticket.id };
}

/**
 * Keeps the message, marked quarantined with its reason, records why, and tells the agents
 * (see alert-quarantine.ts); used by the worker too.
 */
export async function quarantineSpoolEntry(deps: PipelineDeps, entry: SpoolRow, reason: string, detail: string): Promise<ProcessResult> {
  const at = new Date().toISOString();
  const stillPending = await deps.db.transaction().execute(async (trx) => {
    if (!(await lockPendingSpool(trx, entry.id))) return false;
    await markSpoolQuarantined(trx, entry.id, reason, detail, at);
    await recordDecision(trx, { spoolId: entry.id, ticketId: null, stage: 'spool', code: `QUARANTINED_${reason}`, detail }, at);
    await alertQuarantine(trx, deps, { entry, reason, detail, at });
    return true;
  });
  return stillPending ? { kind: 'quarantined', reason } : { kind: 'taken' };
}
