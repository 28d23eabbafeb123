/**
 * The admin HTTP server (`admin.port`, off unless set, on 127.0.0.1 by default). Every route but
 * the login form needs the token (cookie or Bearer). Forms and the API change state only with
 * POST/PUT/DELETE, and a cross-site request is refused by the SameSite cookie and an Origin
 * check. A strict Content-Security-Policy allows no inline script; attachments are always
 * downloaded, never displayed, so a customer's HTML attachment cannot run in this origin.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { isGuichetError } from '../guichet-error.js';
import { handleApi, type ApiDeps } from './admin-api.js';
import { clearedCookie, isAuthenticated, isSameSecret, sessionCookie } from './admin-auth.js';
import { blocklistPage, loginPage, templateEditorPage, templatesPage, ticketListPage, ticketPage } from './admin-pages.js';
import { editorScript } from './editor-script.js';
import type { Metrics } from './metrics.js';
import { adminCss } from './render-page.js';
import { addToSenderList, removeFromSenderList } from './sender-list-admin.js';
import { releaseHeldEntry, retrySpoolEntries } from './spool-admin.js';
import { spoolPage } from './spool-page.js';

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  // same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form posts.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

export interface AdminDeps extends ApiDeps {
  token: string;
  metrics: Metrics;
  logger: Logger;
}

export function createAdminServer(deps: AdminDeps): Server {
  return createServer((request, response) => {
    route(deps, request, response).catch((error: unknown) => {
      const status = isGuichetError(error) ? (error.code === 'CLI_NOT_FOUND' ? 404 : 422) : 500;
      if (status === 500) deps.logger.error({ err: error }, 'admin request failed');
      send(response, status, 'application/json', JSON.stringify({ error: status === 500 ? 'internal error' : (error as Error).message }));
    });
  });
}

async function route(deps: AdminDeps, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://admin.invalid');
  const method = request.method ?? 'GET';
  const path = url.pathname.split('/').filter(Boolean);
  if (url.pathname === '/static/admin.css') return send(response, 200, 'text/css', adminCss);
  if (url.pathname === '/static/editor.js') return send(response, 200, 'text/javascript', editorScript);
  if (url.pathname === '/login') {
    if (method === 'POST') {
      const form = await readForm(request);
      if (isSameSecret(form.token ?? '', deps.token)) return redirect(response, '/', sessionCookie(deps.token));
      deps.logger.warn({ remote: request.socket.remoteAddress }, 'admin login refused');
      return send(response, 401, 'text/html', loginPage('Wrong token.'));
    }
    return send(response, 200, 'text/html', loginPage());
  }
  if (!isAuthenticated(request, deps.token)) {
    if (path[0] === 'api' || path[0] === 'metrics') return send(response, 401, 'application/json', JSON.stringify({ error: 'token required' }));
    return redirect(response, '/login');
  }
  if (method !== 'GET' && !isSameOrigin(request)) return send(response, 403, 'application/json', JSON.stringify({ error: 'cross-origin request refused' }));
  if (path[0] === 'metrics') return send(response, 200, deps.metrics.registry.contentType, await deps.metrics.registry.metrics());
  if (path[0] === 'api') {
    const hasBody = method !== 'GET' && (method !== 'DELETE' || Boolean(request.headers['content-type']));
    const body = hasBody ? await readJson(request) : {};
    const result = await handleApi(deps, method, path.slice(1), url.searchParams, body);
    return send(response, result.status, 'application/json', result.body === null ? '' : JSON.stringify(result.body));
  }
  if (method === 'POST' && url.pathname === '/logout') return redirect(response, '/login', clearedCookie);
  if (method === 'POST' && url.pathname === '/blocklist') return postBlocklist(deps, request, response);
  if (method === 'POST' && url.pathname === '/spool') return postSpool(deps, request, response);
  return sendPage(deps, response, path, url.searchParams);
}

async function sendPage(deps: AdminDeps, response: ServerResponse, path: string[], query: URLSearchParams): Promise<void> {
  const [section, id, sub, key] = path;
  if (!section) return send(response, 200, 'text/html', await ticketListPage(deps.db, query));
  if (section === 'tickets' && id && sub === 'attachments' && key) return sendAttachment(deps, response, Number(id), key);
  if (section === 'tickets' && id) return sendOrNotFound(response, await ticketPage(deps.db, Number(id)));
  if (section === 'blocklist') return send(response, 200, 'text/html', await blocklistPage(deps.db, deps.config));
  if (section === 'spool') return send(response, 200, 'text/html', await spoolPage(deps.db));
  if (section === 'templates' && id && sub) return sendOrNotFound(response, templateEditorPage(deps.templates, id, sub));
  if (section === 'templates') return send(response, 200, 'text/html', templatesPage(deps.templates));
  return sendOrNotFound(response, null);
}

async function postBlocklist(deps: AdminDeps, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const form = await readForm(request);
  const list = form.list === 'allow' ? 'allow' : 'block';
  try {
    const result = form.action === 'remove' ? await removeFromSenderList(deps.db, deps.config.blocklist, list, form.entry ?? '') : await addToSenderList(deps.db, list, form.entry ?? '');
    send(response, 200, 'text/html', await blocklistPage(deps.db, deps.config, { info: `${result.entry}: ${form.action === 'remove' ? 'removed' : 'added'}.` }));
  } catch (error) {
    if (!isGuichetError(error)) throw error;
    send(response, 422, 'text/html', await blocklistPage(deps.db, deps.config, { error: error.message }));
  }
}

async function postSpool(deps: AdminDeps, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const form = await readForm(request);
  const id = form.id ?? '';
  try {
    if (form.action === 'release') await releaseHeldEntry(deps.db, id);
    else await retrySpoolEntries(deps.db, [id], 'admin page');
    send(response, 200, 'text/html', await spoolPage(deps.db, { info: `${id}: ${form.action === 'release' ? 'released' : 'sent back to filing'}.` }));
  } catch (error) {
    if (!isGuichetError(error)) throw error;
    send(response, 422, 'text/html', await spoolPage(deps.db, { error: error.message }));
  }
}

async function sendAttachment(deps: AdminDeps, response: ServerResponse, ticketId: number, sha256: string): Promise<void> {
  const row = await deps.db
    .selectFrom('attachments')
    .innerJoin('messages', 'messages.id', 'attachments.message_row_id')
    .select(['attachments.filename', 'attachments.stored_path'])
    .where('messages.ticket_id', '=', ticketId)
    .where('attachments.sha256', '=', sha256)
    .executeTakeFirst();
  const path = row ? join(deps.config.dataDir, row.stored_path) : '';
  if (!row || !existsSync(path)) return sendOrNotFound(response, null);
  response.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': 'application/octet-stream',
    'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(row.filename ?? 'attachment')}`,
  });
  createReadStream(path).pipe(response);
}

function isSameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (!origin) return true; // not a browser cross-site request (curl, the CLI); SameSite covers browsers
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false; // "null" (sandboxed or privacy-stripped origin): not provably ours
  }
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': `${type}; charset=utf-8` });
  response.end(body);
}

function sendOrNotFound(response: ServerResponse, page: string | null): void {
  send(response, page ? 200 : 404, 'text/html', page ?? '<!DOCTYPE html><title>Not found</title><p>Not found.</p>');
}

function redirect(response: ServerResponse, location: string, cookie?: string): void {
  response.writeHead(303, { ...SECURITY_HEADERS, location, ...(cookie ? { 'set-cookie': cookie } : {}) });
  response.end();
}

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) {
    body += String(chunk);
    if (body.length > 1_000_000) throw new Error('request body too large');
  }
  return body;
}

async function readForm(request: IncomingMessage): Promise<Record<string, string>> {
  return Object.fromEntries(new URLSearchParams(await readBody(request)));
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(request);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}
