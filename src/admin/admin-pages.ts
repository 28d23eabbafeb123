/**
 * The admin pages: ticket list (oldest first, filters), ticket view (conversation with the new
 * part and the full text, attachments as downloads, the decisions log), blocklist editor, and
 * template list and editor with live preview. All server-rendered; values escaped.
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config/config-schema.js';
import type { TemplateStore } from '../notify/template-store.js';
import { templateEvents, templateParts } from '../notify/template-events.js';
import type { Database } from '../store/database-schema.js';
import { ticketDetail, ticketList } from '../tickets/ticket-view.js';
import { ticketStatuses } from '../tickets/ticket-status.js';
import { Html, html, layout } from './render-page.js';
import { listSenderLists } from './sender-list-admin.js';

export function loginPage(error?: string): string {
  return layout('Log in', html`${error ? html`<p class="error">${error}</p>` : ''}<form method="post" action="/login">
<label>Admin token <input type="password" name="token" autofocus required></label><p><button>Log in</button></p></form>`, { nav: false });
}

export async function ticketListPage(db: Kysely<Database>, query: URLSearchParams): Promise<string> {
  const status = query.get('status') ?? '';
  const queue = query.get('queue') ?? '';
  const requester = (query.get('requester') ?? '').toLowerCase();
  const tickets = (await ticketList(db, status ? { status } : {})).filter(
    (ticket) => (!queue || ticket.queue === queue) && (!requester || ticket.requester.includes(requester)),
  );
  const rows = tickets.map(
    (ticket) => html`<tr><td><a href="/tickets/${ticket.id}">#${ticket.id}</a></td><td>${ticket.status}</td><td>${ticket.requester}</td><td>${ticket.queue ?? ''}</td>
<td class="${ticket.breached ? 'breached' : ''}">${ticket.dueAt ?? ''}${ticket.breached ? ' (breached)' : ''}</td><td>${ticket.subject}</td><td>${ticket.createdAt}</td></tr>`,
  );
  const options = ['', ...ticketStatuses].map((value) => html`<option value="${value}" ${value === status ? new Html('selected') : ''}>${value || 'any status'}</option>`);
  return layout('Tickets', html`<form method="get"><select name="status">${options}</select> <input name="queue" placeholder="queue" value="${queue}">
<input name="requester" placeholder="requester" value="${requester}"> <button>Filter</button></form>
<table id="tickets"><thead><tr><th>Ticket</th><th>Status</th><th>Requester</th><th>Queue</th><th>Due</th><th>Subject</th><th>Created</th></tr></thead><tbody>${rows}</tbody></table>
<p>${tickets.length} ticket(s), oldest first.</p>`);
}

export async function ticketPage(db: Kysely<Database>, id: number): Promise<string | null> {
  const ticket = await ticketDetail(db, id);
  if (!ticket) return null;
  const messages = ticket.messages.map(
    (message) => html`<article class="${message.internal ? 'internal' : ''}"><h3>${message.direction === 'in' ? '→' : '←'} ${message.from} · ${message.createdAt}${message.internal ? ' · internal note' : ''}</h3>
<p><strong>${message.subject}</strong> ${message.flags.length ? html`<small>[${message.flags.join(', ')}]</small>` : ''}</p>
<pre>${message.newText ?? message.text}</pre>
${message.newText && message.newText.trim() !== message.text.trim() ? html`<details><summary>Full text</summary><pre>${message.text}</pre></details>` : ''}
${message.attachments.map((file) => html`<p>📎 <a href="/tickets/${ticket.id}/attachments/${file.sha256}">${file.filename ?? 'attachment'}</a> (${file.contentType}, ${file.size} bytes)</p>`)}</article>`,
  );
  const decisions = ticket.decisions.map((decision) => html`<tr><td>${decision.createdAt}</td><td>${decision.stage}</td><td>${decision.code}</td><td>${decision.detail ?? ''}</td></tr>`);
  return layout(
    `#${ticket.id} ${ticket.subject}`,
    html`<p>Status <strong>${ticket.status}</strong> · requester ${ticket.requester} · queue ${ticket.queue ?? '—'} · assignee ${ticket.assignee ?? '—'} · priority ${ticket.priority} · due ${ticket.dueAt ?? '—'}${ticket.breached ? html` <span class="breached">breached</span>` : ''}</p>
${messages}<h2>Decisions</h2><table id="decisions"><tbody>${decisions}</tbody></table><p><small>Customer HTML is never displayed here; only the text of each message is.</small></p>`,
  );
}

export async function blocklistPage(db: Kysely<Database>, config: Config, message?: { error?: string; info?: string }): Promise<string> {
  const sections = await Promise.all(
    (['block', 'allow'] as const).map(async (list) => {
      const rows = (await listSenderLists(db, config.blocklist, list)).map(
        (row) => html`<tr><td>${row.entry}</td><td>${row.kind}</td><td>${row.source === 'config' ? 'config file' : html`<form method="post" action="/blocklist"><input type="hidden" name="list" value="${list}"><input type="hidden" name="entry" value="${row.entry}"><button name="action" value="remove">Remove</button></form>`}</td></tr>`,
      );
      return html`<h2>${list === 'block' ? 'Blocked senders' : 'Allowed despite the blocklist'}</h2><table id="${list}list"><tbody>${rows}</tbody></table>
<form method="post" action="/blocklist"><input type="hidden" name="list" value="${list}"><input name="entry" placeholder="${list === 'block' ? 'qq.com, user@example.net, *.xyz or /regex/' : 'real.customer@qq.com'}" required> <button name="action" value="add">Add</button></form>`;
    }),
  );
  const note = message?.error ? html`<p class="error">${message.error}</p>` : message?.info ? html`<p>${message.info}</p>` : '';
  return layout('Blocklist', html`${note}<p>Changes apply to the running server within a second. Refused senders get: “${config.blocklist.message}”.</p>${sections}`);
}

export function templatesPage(templates: TemplateStore): string {
  const rows = Object.entries(templateEvents).map(
    ([event, definition]) => html`<tr><td>${event}</td><td>${definition.audience}</td><td>${definition.description}</td><td>${templates.locales().map((locale) => html`<a href="/templates/${locale}/${event}">${locale}</a> `)}</td></tr>`,
  );
  const problems = templates.problems().map((problem) => html`<li class="error">${problem.file}: ${problem.message} (previous version in use)</li>`);
  return layout('Templates', html`${problems.length ? html`<ul>${problems}</ul>` : ''}<table><tbody>${rows}</tbody></table>`);
}

export function templateEditorPage(templates: TemplateStore, locale: string, event: string): string | null {
  const definition = templateEvents[event];
  if (!definition || !templates.locales().includes(locale)) return null;
  const fields: Html[] = templateParts.map(
    (part) => html`<label>${part}<textarea name="${part}" rows="${part === 'subject' ? 2 : 14}">${templates.read(locale, event, part) ?? ''}</textarea></label>`,
  );
  return layout(
    `${event} (${locale})`,
    html`<p>${definition.description}. Variables: <code>${JSON.stringify(definition.sample)}</code></p>
<form id="editor" data-locale="${locale}" data-event="${event}">${fields}<p><button type="submit">Save</button> <span id="status"></span></p></form>
<h2>Preview</h2><p id="preview-subject"></p><pre id="preview-text"></pre><iframe id="preview-html" sandbox="" title="HTML preview"></iframe>`,
    { script: '/static/editor.js' },
  );
}
