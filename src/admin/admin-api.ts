/**
 * The JSON API under /api, for the same operations as the pages: tickets (list with filters,
 * one ticket), the block and allow lists, templates (read, save, preview unsaved sources), the
 * spool entries that need an admin (list, retry, release) and the outbox (list, retry failed
 * mail).
 * Handlers return a status and a body; the server turns GuichetErrors into 4xx answers.
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config/config-schema.js';
import { GuichetError } from '../guichet-error.js';
import { checkOne } from '../notify/check-templates.js';
import { templateEvents, templateParts } from '../notify/template-events.js';
import { compileTemplate, type TemplatePart, type TemplateStore } from '../notify/template-store.js';
import type { Database } from '../store/database-schema.js';
import type { ListName } from '../store/sender-list-repo.js';
import { listOutbox } from '../store/outbox-repo.js';
import { outboxEntryView, spoolEntryView, ticketDetail, ticketList } from '../tickets/ticket-view.js';
import { parseOutboxState, retryFailedMail } from './outbox-admin.js';
import { addToSenderList, listSenderLists, removeFromSenderList } from './sender-list-admin.js';
import { listSpoolNeedingAttention, releaseHeldEntry, retrySpoolEntries } from './spool-admin.js';

export interface ApiDeps {
  db: Kysely<Database>;
  config: Config;
  templates: TemplateStore;
}

export type ApiResult = { status: number; body: unknown };

export async function handleApi(deps: ApiDeps, method: string, path: string[], query: URLSearchParams, body: Record<string, unknown>): Promise<ApiResult> {
  const [resource, ...rest] = path;
  if (resource === 'tickets' && method === 'GET') {
    if (rest[0]) {
      const ticket = await ticketDetail(deps.db, Number(rest[0]));
      return ticket ? { status: 200, body: ticket } : { status: 404, body: { error: `no ticket #${rest[0]}` } };
    }
    const status = query.get('status') ?? undefined;
    const tickets = (await ticketList(deps.db, { status })).filter((ticket) => !query.get('queue') || ticket.queue === query.get('queue'));
    return { status: 200, body: tickets };
  }
  if (resource === 'blocklist' || resource === 'allowlist') {
    const list: ListName = resource === 'blocklist' ? 'block' : 'allow';
    if (method === 'GET') return { status: 200, body: await listSenderLists(deps.db, deps.config.blocklist, list) };
    const entry = String(body.entry ?? '');
    if (method === 'POST') return { status: 201, body: await addToSenderList(deps.db, list, entry) };
    if (method === 'DELETE') return { status: 200, body: await removeFromSenderList(deps.db, deps.config.blocklist, list, entry) };
  }
  if (resource === 'templates') return handleTemplates(deps.templates, method, rest, body);
  if (resource === 'spool') return handleSpool(deps.db, method, rest[0], body);
  if (resource === 'outbox' && method === 'GET' && !rest[0]) {
    return { status: 200, body: (await listOutbox(deps.db, { state: parseOutboxState(query.get('state')) })).map(outboxEntryView) };
  }
  if (resource === 'outbox' && method === 'POST' && rest[0] === 'retry') {
    return { status: 200, body: await retryFailedMail(deps.db, retryTarget(body, Number), 'admin API') };
  }
  return { status: 404, body: { error: 'no such API' } };
}

/** GET /api/spool: entries quarantined, held or deferred. POST retry {ids} or {all: true}; POST release {id}. */
async function handleSpool(db: Kysely<Database>, method: string, action: string | undefined, body: Record<string, unknown>): Promise<ApiResult> {
  if (method === 'GET' && !action) return { status: 200, body: (await listSpoolNeedingAttention(db)).map(spoolEntryView) };
  if (method === 'POST' && action === 'retry') {
    return { status: 200, body: await retrySpoolEntries(db, retryTarget(body, String), 'admin API') };
  }
  if (method === 'POST' && action === 'release') {
    await releaseHeldEntry(db, String(body.id ?? ''));
    return { status: 200, body: { released: String(body.id) } };
  }
  return { status: 404, body: { error: 'no such spool API' } };
}

function handleTemplates(templates: TemplateStore, method: string, [first, event, part]: string[], body: Record<string, unknown>): ApiResult {
  if (method === 'GET' && !first) {
    return { status: 200, body: { events: templateEvents, locales: templates.locales(), problems: templates.problems() } };
  }
  if (method === 'POST' && first === 'preview') return previewTemplate(templates, body);
  const locale = first ?? '';
  if (method === 'GET' && event) {
    return { status: 200, body: Object.fromEntries(templateParts.map((name) => [name, templates.read(locale, event, name)])) };
  }
  if (method === 'PUT' && event && part && (templateParts as readonly string[]).includes(part)) {
    templates.write(locale, event, part as TemplatePart, String(body.source ?? ''));
    return { status: 204, body: null };
  }
  return { status: 404, body: { error: 'no such template API' } };
}

/** Renders unsaved sources with the event's sample data; refuses them as saving would. */
function previewTemplate(templates: TemplateStore, body: Record<string, unknown>): ApiResult {
  const event = String(body.event ?? '');
  const locale = templates.resolveLocale(String(body.locale ?? ''));
  const definition = templateEvents[event];
  if (!definition) throw new GuichetError('CLI_USAGE', `unknown event "${event}"`);
  const sources = (body.sources ?? {}) as Partial<Record<TemplatePart, string>>;
  const rendered = Object.fromEntries(
    templateParts.map((part) => {
      const source = sources[part] ?? templates.read(locale, event, part) ?? '';
      const problems = checkOne(source, `${locale}/${event}.${part}.hbs`, definition.sample);
      if (problems.length > 0) throw new GuichetError('NOTIFY_TEMPLATE_INVALID', `${part}: ${problems.map((problem) => problem.message).join('; ')}`);
      return [part, compileTemplate(source, `${event}.${part}.hbs`)(definition.sample)];
    }),
  );
  return { status: 200, body: { ...rendered, subject: String(rendered.subject ?? '').replace(/[\r\n]+/g, ' ').trim() } };
}

/** A retry's body: `{"ids": [...]}` for those, `{"all": true}` (null) for every one. */
function retryTarget<Id>(body: Record<string, unknown>, toId: (value: unknown) => Id): Id[] | null {
  const ids = Array.isArray(body.ids) ? body.ids.map(toId) : null;
  if ((ids === null) !== (body.all === true)) throw new GuichetError('CLI_USAGE', 'give "ids": [...] or "all": true');
  return ids;
}
