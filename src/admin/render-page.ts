/**
 * HTML for the admin pages: one layout, and `escapeHtml` for every value that comes from data.
 * Customer content (subjects, bodies, addresses) is always escaped text; customer HTML is never
 * rendered.
 */

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char);
}

/** A template literal tag that escapes every interpolated value unless it is already `Html`. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    const rendered = Array.isArray(value) ? value.map((item) => (item instanceof Html ? item.value : escapeHtml(item))).join('') : value instanceof Html ? value.value : escapeHtml(value);
    out += rendered + (strings[index + 1] ?? '');
  });
  return new Html(out);
}

export function layout(title: string, body: Html, options: { nav?: boolean; script?: string } = {}): string {
  const nav = options.nav === false ? '' : html`<nav><a href="/">Tickets</a> · <a href="/blocklist">Blocklist</a> · <a href="/templates">Templates</a> · <a href="/spool">Spool</a>
<form method="post" action="/logout" class="inline"><button>Log out</button></form></nav>`.value;
  const script = options.script ? `<script src="${escapeHtml(options.script)}"></script>` : '';
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Guichet</title>
<link rel="stylesheet" href="/static/admin.css"></head><body>${nav}<main><h1>${escapeHtml(title)}</h1>${body.value}</main>${script}</body></html>`;
}

export const adminCss = `body{font-family:system-ui,sans-serif;margin:0;color:#222}nav{background:#233;padding:.6em 1em;color:#fff}nav a{color:#fff;margin-right:.5em}
main{padding:1em 2em}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
pre{white-space:pre-wrap;background:#f6f6f6;padding:.6em}.inline{display:inline;float:right}.breached{color:#b00;font-weight:bold}.error{color:#b00}
textarea{width:100%;font-family:monospace}iframe{width:100%;height:20em;border:1px solid #ccc}.internal{background:#fff8dc}label{display:block;margin-top:.6em}`;
