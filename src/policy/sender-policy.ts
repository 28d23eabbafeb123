/**
 * The sender lists a running server enforces, kept current without a restart: entries from the
 * config file (re-read when the file changes) plus the stored ones, refreshed every `refreshMs`
 * (half a second by default, so a `guichet blocklist add` in another process or an edit of the
 * file is in force within a second). A failed refresh keeps the previous lists: policy never
 * silently turns off.
 */
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import type { Database } from '../store/database-schema.js';
import { listSenderEntries } from '../store/sender-list-repo.js';
import { SenderLists, type SenderCheck } from './sender-lists.js';

export class SenderPolicy {
  private lists: SenderLists;
  private timer: NodeJS.Timeout | null = null;

  private config: Config['blocklist'];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly readConfig: () => Config['blocklist'],
    private readonly logger: Logger,
    private readonly refreshMs = 500,
  ) {
    this.config = readConfig();
    this.lists = new SenderLists({ block: configBlockEntries(this.config), allow: this.config.allow });
  }

  get refusalText(): string {
    return this.config.message;
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  check(address: string): SenderCheck {
    return this.lists.check(address);
  }

  async refresh(): Promise<void> {
    try {
      this.config = this.readConfig();
      const stored = await listSenderEntries(this.db);
      this.lists = new SenderLists({
        block: [...configBlockEntries(this.config), ...stored.filter((row) => row.list === 'block').map((row) => row.entry)],
        allow: [...this.config.allow, ...stored.filter((row) => row.list === 'allow').map((row) => row.entry)],
      });
    } catch (error) {
      this.logger.warn({ err: error }, 'sender lists not refreshed; keeping the previous ones');
    }
  }
}

export function configBlockEntries(config: Config['blocklist']): string[] {
  return [...config.domains, ...config.addresses, ...config.patterns];
}
