/**
 * Editing the block and allow lists, shared by the CLI and the admin page. Entries are
 * validated and stored in their normalised form (lower-case, ASCII domains), so "QQ.COM." and
 * "qq.com" are one entry. Entries from the config file are listed but edited in the file.
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config/config-schema.js';
import { GuichetError } from '../guichet-error.js';
import { parseSenderListEntry } from '../policy/sender-list-entry.js';
import { configBlockEntries } from '../policy/sender-policy.js';
import type { Database } from '../store/database-schema.js';
import { addSenderEntry, listSenderEntries, removeSenderEntry, type ListName } from '../store/sender-list-repo.js';

export interface SenderListRow {
  list: ListName;
  entry: string;
  kind: string;
  source: 'config' | 'stored';
}

export async function listSenderLists(db: Kysely<Database>, config: Config['blocklist'], list: ListName): Promise<SenderListRow[]> {
  const fromConfig = list === 'block' ? configBlockEntries(config) : [...config.allow];
  const stored = (await listSenderEntries(db)).filter((row) => row.list === list).map((row) => row.entry);
  return [
    ...fromConfig.map((entry) => ({ list, entry, kind: kindOf(entry), source: 'config' as const })),
    ...stored.map((entry) => ({ list, entry, kind: kindOf(entry), source: 'stored' as const })),
  ];
}

export async function addToSenderList(db: Kysely<Database>, list: ListName, text: string): Promise<{ entry: string; added: boolean }> {
  const parsed = parseSenderListEntry(text);
  if (!parsed.ok) throw new GuichetError('CLI_USAGE', `invalid entry: ${parsed.reason}`);
  return { entry: parsed.entry.text, added: await addSenderEntry(db, list, parsed.entry.text) };
}

export async function removeFromSenderList(db: Kysely<Database>, config: Config['blocklist'], list: ListName, text: string): Promise<{ entry: string }> {
  const parsed = parseSenderListEntry(text);
  const entry = parsed.ok ? parsed.entry.text : text.trim();
  if (await removeSenderEntry(db, list, entry)) return { entry };
  const inConfig = (list === 'block' ? configBlockEntries(config) : config.allow).some((candidate) => candidate === entry || candidate === text.trim());
  throw new GuichetError(
    'CLI_NOT_FOUND',
    inConfig ? `"${entry}" comes from the config file (blocklist.*); remove it there` : `"${entry}" is not in the ${list} list`,
  );
}

function kindOf(entry: string): string {
  const parsed = parseSenderListEntry(entry);
  return parsed.ok ? parsed.entry.kind : 'invalid';
}
