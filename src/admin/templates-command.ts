/**
 * `guichet templates list|check|preview`: what admins run before and after editing templates.
 * `check` exits non-zero when any template is missing in English, fails to compile or render,
 * or uses a variable its event does not provide; missing translations are warnings.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/config-schema.js';
import { GuichetError } from '../guichet-error.js';
import { defaultTemplatesDir } from '../main.js';
import { checkTemplates } from '../notify/check-templates.js';
import { templateEvents } from '../notify/template-events.js';
import { TemplateStore } from '../notify/template-store.js';
import { printTable } from '../print-table.js';

export function runTemplatesCommand(
  config: Config,
  action: string | undefined,
  event: string | undefined,
  options: { json: boolean; html: boolean; locale: string | undefined },
): number {
  const dir = config.templatesDir ?? defaultTemplatesDir;
  if (action === 'check') {
    // Not through TemplateStore: it refuses to load broken templates, and reporting them is the point.
    const locales = readdirSync(dir).filter((name) => existsSync(join(dir, name, 'labels.json'))).sort();
    const problems = checkTemplates(dir, locales);
    for (const problem of problems) console.log(`${problem.level}: ${problem.file}: ${problem.message}`);
    const errors = problems.filter((problem) => problem.level === 'error').length;
    console.log(`${Object.keys(templateEvents).length} events × ${locales.length} locales checked: ${errors} error(s), ${problems.length - errors} warning(s)`);
    return errors > 0 ? 1 : 0;
  }
  const store = new TemplateStore(dir, config.locale);
  if (action === 'list' || action === undefined) {
    const rows = Object.entries(templateEvents).map(([name, definition]) => ({
      event: name,
      audience: definition.audience,
      locales: store.locales().filter((locale) => store.read(locale, name, 'text') !== null).join(','),
      description: definition.description,
    }));
    if (options.json) console.log(JSON.stringify(rows, null, 2));
    else printTable(rows, ['event', 'audience', 'locales', 'description']);
    return 0;
  }
  if (action === 'preview') {
    const definition = event ? templateEvents[event] : undefined;
    if (!event || !definition) throw new GuichetError('CLI_USAGE', `usage: guichet templates preview EVENT [--locale L] [--html]; events: ${Object.keys(templateEvents).join(', ')}`);
    const mail = store.render(event, options.locale ?? config.locale, definition.sample);
    console.log(`Subject: ${mail.subject}\n`);
    console.log(options.html ? mail.html : mail.text);
    return 0;
  }
  throw new GuichetError('CLI_USAGE', 'usage: guichet templates list|check|preview');
}
