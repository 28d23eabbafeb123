/**
 * The `guichet` command. `serve` runs the gateway; the other commands read (and later edit)
 * the store of a gateway, running or not, through the same config file. Exit codes: 0 ok,
 * 1 runtime or config error, 2 usage error, 3 not found.
 */
import { parseArgs } from 'node:util';
import { findDefaultConfigPath, loadConfigFile, parseConfig } from './config/load-config.js';

import type { Config } from './config/config-schema.js';
import { GuichetError, isGuichetError } from './guichet-error.js';
import { startGateway } from './main.js';
import { openStore } from './store/open-database.js';
import type { Kysely } from 'kysely';
import { addToSenderList, listSenderLists, removeFromSenderList } from './admin/sender-list-admin.js';
import { addInternalNote, assignTicket, setTicketStatus } from './admin/ticket-admin.js';
import { releaseHeldEntry, retrySpoolEntries } from './admin/spool-admin.js';
import { parseOutboxState, retryFailedMail } from './admin/outbox-admin.js';
import { listOutbox } from './store/outbox-repo.js';
import type { Database } from './store/database-schema.js';
import type { ListName } from './store/sender-list-repo.js';
import { listSpool } from './store/spool-repo.js';
import { isTicketStatus, ticketStatuses } from './tickets/ticket-status.js';
import { outboxEntryView, spoolEntryView, ticketDetail, ticketList } from './tickets/ticket-view.js';
import { printTable } from './print-table.js';
import { runTemplatesCommand } from './admin/templates-command.js';

const usage = `usage: guichet <command> [options]

  serve [--config FILE]                 run the gateway (default config.json, else config.example.json)
  tickets [--status S] [--json]         list tickets, oldest first
  ticket show ID [--json]               one ticket with its messages
  ticket status ID STATUS               set a ticket's status
  ticket assign ID AGENT                assign to an agent (address, or name from config)
  ticket note ID TEXT…                  add an internal note (never sent to the customer)
  spool list [--state S] [--json]       accepted messages and what became of them
  spool release ID                      file a held message despite the sender limits
  spool retry ID…|--all [--json]        file quarantined (or deferred) messages again, once
                                        the cause is fixed
  outbox list [--state S] [--json]      mail Guichet sends: queued, sent or failed
  outbox retry ID…|--all [--json]       queue failed mail again, once the relay is fixed
  templates list [--json]               every event, who reads it, and the locales that have it
  templates check                       compile and render every template; non-zero exit on errors
  templates preview EVENT [--locale L] [--html]
                                        render one event with sample data
  blocklist list|add|remove [ENTRY] [--json]
                                        senders refused during SMTP: qq.com (and subdomains),
                                        user@example.net, *.xyz, /regex/
  allowlist list|add|remove [ENTRY] [--json]
                                        addresses (or domains) let through despite the blocklist

Every command takes --config FILE. Status words: ${ticketStatuses.join(', ')}.`;

export async function runCli(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } catch (error) {
    if (isGuichetError(error)) {
      console.error(`guichet: ${error.message}`);
      return error.code === 'CLI_USAGE' ? 2 : error.code === 'CLI_NOT_FOUND' ? 3 : 1;
    }
    throw error;
  }
}

async function dispatch(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      json: { type: 'boolean', default: false },
      status: { type: 'string' },
      state: { type: 'string' },
      locale: { type: 'string' },
      html: { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, sub, arg] = positionals;
  if (values.help || !command) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  const configFile = values.config ?? findDefaultConfigPath(process.cwd());
  const config = configFile ? loadConfigFile(configFile) : parseConfig({});
  if (command === 'serve') return serve(config, configFile);
  if (command === 'templates') return runTemplatesCommand(config, sub, arg, { json: values.json, html: values.html, locale: values.locale });
  const db = await openStore(config);
  try {
    if (command === 'tickets') {
      if (values.status && !isTicketStatus(values.status)) throw new GuichetError('CLI_USAGE', `unknown status "${values.status}"; use one of ${ticketStatuses.join(', ')}`);
      const tickets = await ticketList(db, { status: values.status });
      if (values.json) console.log(JSON.stringify(tickets, null, 2));
      else printTable(tickets, ['id', 'status', 'requester', 'createdAt', 'subject']);
      return 0;
    }
    if (command === 'ticket' && sub === 'show') {
      const id = Number(arg);
      if (!Number.isInteger(id) || id <= 0) throw new GuichetError('CLI_USAGE', 'usage: guichet ticket show ID');
      const ticket = await ticketDetail(db, id);
      if (!ticket) throw new GuichetError('CLI_NOT_FOUND', `no ticket #${id}`);
      if (values.json) console.log(JSON.stringify(ticket, null, 2));
      else printTicket(ticket);
      return 0;
    }
    if (command === 'ticket' && (sub === 'status' || sub === 'assign' || sub === 'note')) {
      const id = Number(arg);
      const rest = positionals.slice(3).join(' ');
      if (!Number.isInteger(id) || id <= 0 || !rest) throw new GuichetError('CLI_USAGE', `usage: guichet ticket ${sub} ID ${sub === 'note' ? 'TEXT' : sub === 'status' ? 'STATUS' : 'AGENT'}`);
      const by = cliActor();
      if (sub === 'status') await setTicketStatus(db, config, id, rest, by);
      if (sub === 'assign') await assignTicket(db, config, id, rest, by);
      if (sub === 'note') await addInternalNote(db, id, rest, by);
      const ticket = await ticketDetail(db, id);
      if (values.json) console.log(JSON.stringify(ticket, null, 2));
      else console.log(`#${id} [${ticket?.status}]${ticket?.assignee ? ` assigned to ${ticket.assignee}` : ''}: ${sub} done`);
      return 0;
    }
    if (command === 'spool' && sub === 'list') {
      const state = values.state as 'pending' | 'filed' | 'quarantined' | 'held' | undefined;
      const entries = (await listSpool(db, { state })).map(spoolEntryView);
      if (values.json) console.log(JSON.stringify(entries, null, 2));
      else printTable(entries, ['id', 'state', 'receivedAt', 'mailFrom', 'ticketId', 'reason']);
      return 0;
    }
    if (command === 'spool' && sub === 'release') {
      if (!arg) throw new GuichetError('CLI_USAGE', 'usage: guichet spool release ID');
      await releaseHeldEntry(db, arg);
      console.log(`released ${arg}; it will be filed within a second`);
      return 0;
    }
    if (command === 'spool' && sub === 'retry') {
      const ids = positionals.slice(2);
      if (ids.length > 0 === values.all) throw new GuichetError('CLI_USAGE', 'usage: guichet spool retry ID… | --all');
      const requeued = await retrySpoolEntries(db, values.all ? null : ids, cliActor());
      if (values.json) console.log(JSON.stringify(requeued, null, 2));
      else console.log(requeued.length === 0 ? 'nothing to retry' : `${requeued.map((entry) => `requeued ${entry.id} (was ${entry.was})`).join('\n')}\nthe gateway files them within a second`);
      return 0;
    }
    if (command === 'outbox' && sub === 'list') {
      const mails = (await listOutbox(db, { state: parseOutboxState(values.state) })).map(outboxEntryView);
      if (values.json) console.log(JSON.stringify(mails, null, 2));
      else printTable(mails, ['id', 'state', 'ticketId', 'event', 'recipient', 'attempts', 'lastError']);
      return 0;
    }
    if (command === 'outbox' && sub === 'retry') {
      const ids = positionals.slice(2).map(Number);
      if (ids.length > 0 === values.all || ids.some((id) => !Number.isInteger(id) || id <= 0)) throw new GuichetError('CLI_USAGE', 'usage: guichet outbox retry ID… | --all');
      const requeued = await retryFailedMail(db, values.all ? null : ids, cliActor());
      if (values.json) console.log(JSON.stringify(requeued, null, 2));
      else console.log(requeued.length === 0 ? 'nothing to retry' : `${requeued.map((mail) => `requeued ${mail.id} (${mail.event}, was ${mail.was})`).join('\n')}\nthe gateway sends them within a second`);
      return 0;
    }
    if (command === 'blocklist' || command === 'allowlist') {
      return await editSenderList(db, config, command === 'blocklist' ? 'block' : 'allow', sub, arg, values.json);
    }
    throw new GuichetError('CLI_USAGE', `unknown command "${positionals.join(' ')}"\n${usage}`);
  } finally {
    await db.destroy();
  }
}

async function editSenderList(db: Kysely<Database>, config: Config, list: ListName, action: string | undefined, entry: string | undefined, json: boolean): Promise<number> {
  if (action === 'list' || action === undefined) {
    const rows = await listSenderLists(db, config.blocklist, list);
    if (json) console.log(JSON.stringify(rows, null, 2));
    else printTable(rows, ['entry', 'kind', 'source']);
    return 0;
  }
  if (!entry || (action !== 'add' && action !== 'remove')) throw new GuichetError('CLI_USAGE', `usage: guichet ${list}list list|add|remove ENTRY`);
  const result = action === 'add' ? await addToSenderList(db, list, entry) : await removeFromSenderList(db, config.blocklist, list, entry);
  if (json) console.log(JSON.stringify({ list, action, ...result }));
  else console.log(action === 'add' ? `${result.entry} ${'added' in result && !result.added ? 'was already' : 'is now'} in the ${list} list` : `${result.entry} removed from the ${list} list`);
  return 0;
}

/** Who made a change from the command line, for the decisions log. */
function cliActor(): string {
  return `cli:${process.env.USER ?? 'admin'}`;
}

async function serve(config: Config, configFile: string | undefined): Promise<number> {
  const gateway = await startGateway(config, { configFile });
  // One plain line whatever the log level, for people and scripts waiting for the port.
  console.error(`guichet listening on smtp://${config.smtp.host}:${gateway.smtpPort} (data in ${config.dataDir})`);
  if (gateway.adminPort !== null) console.error(`guichet admin page on http://${config.admin.host}:${gateway.adminPort}/`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await gateway.stop();
  return 0;
}

function printTicket(ticket: NonNullable<Awaited<ReturnType<typeof ticketDetail>>>): void {
  console.log(`#${ticket.id} [${ticket.status}] ${ticket.subject}`);
  console.log(`requester ${ticket.requester}, mailbox ${ticket.mailbox}, created ${ticket.createdAt}, updated ${ticket.updatedAt}`);
  for (const message of ticket.messages) {
    console.log(`\n--- ${message.direction === 'in' ? '→' : '←'} ${message.createdAt} ${message.from} → ${message.to.join(', ')}`);
    console.log(`Subject: ${message.subject}`);
    console.log(message.text.trimEnd());
  }
}
