import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultTemplatesDir } from '../../../src/main.js';
import { compileTemplate, TemplateStore } from '../../../src/notify/template-store.js';

function templatesWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'guichet-tpl-'));
  mkdirSync(join(dir, 'en'));
  writeFileSync(join(dir, 'en', 'labels.json'), '{"new":"New"}');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'en', name), text);
  return dir;
}

describe('TemplateStore', () => {
  it('renders every shipped event in every shipped locale', () => {
    const store = new TemplateStore(defaultTemplatesDir, 'en');
    expect(store.locales()).toEqual(expect.arrayContaining(['en', 'fr']));
    for (const locale of store.locales()) {
      const mail = store.render('ack-new-ticket', locale, { ticket: { id: 3, subject: 'S', statusLabel: 'x' }, team: { name: 'T' } });
      expect(mail.subject).toBe('[#3] S');
      expect(mail.text).toContain('#3');
    }
  });

  it('escapes HTML in the HTML part only, and strips line breaks from the subject', () => {
    const dir = templatesWith({ 'e.subject.hbs': '{{s}}', 'e.text.hbs': '{{s}}', 'e.html.hbs': '<p>{{s}}</p>' });
    const mail = new TemplateStore(dir, 'en').render('e', 'en', { s: '<b>x</b>\r\nBcc: victim@example.org' });
    expect(mail.subject).toBe('<b>x</b> Bcc: victim@example.org');
    expect(mail.text).toContain('<b>x</b>');
    expect(mail.html).toContain('&lt;b&gt;x&lt;/b&gt;');
  });

  it('refuses a template that does not compile, naming the file', () => {
    expect(() => compileTemplate('{{#if x}}unclosed', 'broken.text.hbs')).toThrow(/broken\.text\.hbs does not compile/);
  });

  it('refuses helpers we did not register and gives no access to prototypes', () => {
    expect(() => compileTemplate('{{lookup this "constructor"}}{{unknownHelper x}}', 'h.text.hbs')).toThrow(/does not compile/);
    const render = compileTemplate('{{constructor.name}}|{{__proto__}}', 'p.text.hbs');
    expect(render({})).toBe('|');
  });

  it('falls back to the default locale, then English', () => {
    const store = new TemplateStore(defaultTemplatesDir, 'fr');
    expect(store.resolveLocale('de')).toBe('fr');
    expect(store.resolveLocale(null)).toBe('fr');
    expect(new TemplateStore(defaultTemplatesDir, 'en').resolveLocale('fr')).toBe('fr');
  });
});
