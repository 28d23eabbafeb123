/**
 * The admin page of accepted messages that need someone: quarantined (with why), held by a
 * sender limit, or waiting out a retry after a failure, each with the button that sends it on
 * (Retry, or Release for a held one). Same operations as `guichet spool retry|release`.
 */
import type { Kysely } from 'kysely';
import type { Database, SpoolRow } from '../store/database-schema.js';
import { html, layout } from './render-page.js';
import { listSpoolNeedingAttention } from './spool-admin.js';

/** A flood held by a sender limit can hold thousands: the page shows the oldest, the CLI all. */
const PAGE_ROWS = 200;

export async function spoolPage(db: Kysely<Database>, message?: { error?: string; info?: string }): Promise<string> {
  const entries = await listSpoolNeedingAttention(db);
  const rows = entries.slice(0, PAGE_ROWS).map(
    (entry) => html`<tr><td><code>${entry.id}</code></td><td>${describeState(entry)}</td><td>${entry.received_at}</td><td>${entry.mail_from || '<>'}</td><td>${entry.detail ?? ''}</td>
<td><form method="post" action="/spool"><input type="hidden" name="id" value="${entry.id}"><button name="action" value="${entry.state === 'held' ? 'release' : 'retry'}">${entry.state === 'held' ? 'Release' : 'Retry'}</button></form></td></tr>`,
  );
  const note = message?.error ? html`<p class="error">${message.error}</p>` : message?.info ? html`<p>${message.info}</p>` : '';
  return layout(
    'Spool',
    html`${note}<p>Accepted messages that are not tickets yet. Retry one once what stopped it is fixed; the running gateway files it within a second.</p>
<table id="spool"><thead><tr><th>Entry</th><th>State</th><th>Received</th><th>Envelope sender</th><th>Last error</th><th></th></tr></thead><tbody>${rows}</tbody></table>
<p>${entries.length} message(s) waiting${entries.length > PAGE_ROWS ? `, the oldest ${PAGE_ROWS} shown (all of them: guichet spool list)` : ''}.</p>`,
  );
}

function describeState(entry: SpoolRow): string {
  if (entry.state === 'pending') return `retrying (${entry.attempts} failed, next ${entry.not_before ?? 'now'})`;
  return `${entry.state} ${entry.reason ?? ''}`.trim();
}
