/**
 * The template editor's script, served as /static/editor.js (the CSP allows no inline script):
 * renders a live preview through the API as the admin types, and saves through it; a template
 * that does not compile is shown refused, with the reason.
 */
export const editorScript = `
const form = document.getElementById('editor');
const status = document.getElementById('status');
const { locale, event } = form.dataset;
const sources = () => Object.fromEntries(['subject', 'text', 'html'].map((part) => [part, form.elements[part].value]));
let timer;
async function preview() {
  const response = await fetch('/api/templates/preview', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ locale, event, sources: sources() }) });
  const body = await response.json();
  if (!response.ok) { status.textContent = 'Preview: ' + body.error; status.className = 'error'; return; }
  status.textContent = ''; status.className = '';
  document.getElementById('preview-subject').textContent = 'Subject: ' + body.subject;
  document.getElementById('preview-text').textContent = body.text;
  document.getElementById('preview-html').srcdoc = body.html;
}
form.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(preview, 250); });
form.addEventListener('submit', async (submitted) => {
  submitted.preventDefault();
  for (const [part, source] of Object.entries(sources())) {
    const response = await fetch('/api/templates/' + locale + '/' + event + '/' + part, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source }) });
    if (!response.ok) { status.textContent = 'Refused (' + part + '): ' + (await response.json()).error; status.className = 'error'; return; }
  }
  status.textContent = 'Saved: the next mail uses it.'; status.className = '';
});
preview();
`;
