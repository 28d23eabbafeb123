/**
 * Handlebars templates from `templates/<locale>/<event>.{subject,text,html}.hbs`, plus
 * `labels.json` per locale (localised status words). Each template is compiled in its own
 * Handlebars environment with `knownHelpersOnly` and no prototype access, because admins edit
 * them. The text and subject parts are not HTML-escaped; the HTML part is. Header values lose
 * CR/LF so a template or a customer subject cannot inject headers.
 * Live: `refresh()` (called every second by the server) recompiles files whose modification
 * time changed; a file that no longer compiles is reported in `problems()` and the previous
 * version stays in use. `write()` refuses a template that does not compile or uses variables
 * its event does not provide, and writes it atomically.
 * Failure: GuichetError NOTIFY_TEMPLATE_INVALID naming the file.
 */
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { GuichetError } from '../guichet-error.js';
import { checkOne } from './check-templates.js';
import { templateEvents } from './template-events.js';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

type Compiled = (context: object) => string;
const parts = ['subject', 'text', 'html'] as const;
export type TemplatePart = (typeof parts)[number];

export class TemplateStore {
  private readonly compiled = new Map<string, Compiled>();
  private readonly labels = new Map<string, Record<string, string>>();
  private readonly mtimes = new Map<string, number>();
  private readonly failures = new Map<string, string>();

  constructor(
    readonly dir: string,
    private readonly defaultLocale: string,
  ) {
    if (!existsSync(this.dir)) throw new GuichetError('NOTIFY_TEMPLATE_INVALID', `templates directory ${this.dir} does not exist`);
    this.refresh();
    const broken = [...this.failures.entries()];
    if (broken.length > 0) throw new GuichetError('NOTIFY_TEMPLATE_INVALID', broken.map(([file, message]) => `${file}: ${message}`).join('\n'));
  }

  locales(): string[] {
    return [...this.labels.keys()].sort();
  }

  /** The locale actually used for a wish: the wish if we have it, else the configured default, else English. */
  resolveLocale(wanted: string | null | undefined): string {
    for (const candidate of [wanted, this.defaultLocale, 'en']) {
      if (candidate && this.labels.has(candidate)) return candidate;
    }
    return this.locales()[0] ?? 'en';
  }

  label(locale: string, key: string): string {
    return this.labels.get(locale)?.[key] ?? key;
  }

  render(event: string, wantedLocale: string | null, context: object): RenderedMail {
    const locale = this.resolveLocale(wantedLocale);
    const rendered = parts.map((part) => {
      const template = this.compiled.get(`${locale}/${event}.${part}`) ?? this.compiled.get(`en/${event}.${part}`);
      if (!template) throw new GuichetError('NOTIFY_TEMPLATE_INVALID', `no template ${locale}/${event}.${part}.hbs`);
      return template(context);
    });
    const [subject = '', text = '', html = ''] = rendered;
    return { subject: subject.replace(/[\r\n]+/g, ' ').trim(), text, html };
  }

  /** Files that failed to compile at their last change, with the reason; their previous version is in use. */
  problems(): { file: string; message: string }[] {
    return [...this.failures.entries()].map(([file, message]) => ({ file, message }));
  }

  read(locale: string, event: string, part: TemplatePart): string | null {
    const path = this.pathOf(locale, event, part);
    return existsSync(path) ? readFileSync(path, 'utf8') : null;
  }

  /** Validates and saves one template; throws NOTIFY_TEMPLATE_INVALID (nothing written) when it is broken. */
  write(locale: string, event: string, part: TemplatePart, source: string): void {
    const definition = templateEvents[event];
    if (!definition || !this.labels.has(locale)) throw new GuichetError('NOTIFY_TEMPLATE_INVALID', `unknown event ${event} or locale ${locale}`);
    const problems = checkOne(source, `${locale}/${event}.${part}.hbs`, definition.sample);
    if (problems.length > 0) throw new GuichetError('NOTIFY_TEMPLATE_INVALID', problems.map((problem) => problem.message).join('; '));
    const path = this.pathOf(locale, event, part);
    writeFileSync(`${path}.tmp`, source);
    renameSync(`${path}.tmp`, path);
    this.refresh();
  }

  /** Picks up added, edited and removed template files. */
  refresh(): void {
    for (const locale of readdirSync(this.dir)) {
      const localeDir = join(this.dir, locale);
      const labelsFile = join(localeDir, 'labels.json');
      if (!existsSync(labelsFile)) continue;
      this.load(labelsFile, `${locale}/labels.json`, (source) => this.labels.set(locale, JSON.parse(source) as Record<string, string>));
      for (const file of readdirSync(localeDir).filter((name) => name.endsWith('.hbs'))) {
        const key = `${locale}/${file.replace(/\.hbs$/, '')}`;
        this.load(join(localeDir, file), `${locale}/${file}`, (source) => this.compiled.set(key, compileTemplate(source, file)));
      }
    }
  }

  private load(path: string, name: string, apply: (source: string) => void): void {
    const mtime = statSync(path).mtimeMs;
    if (this.mtimes.get(name) === mtime) return;
    this.mtimes.set(name, mtime);
    try {
      apply(readFileSync(path, 'utf8'));
      this.failures.delete(name);
    } catch (error) {
      this.failures.set(name, (error as Error).message);
    }
  }

  private pathOf(locale: string, event: string, part: TemplatePart): string {
    if (!/^[a-z]{2}$/.test(locale) || !/^[a-z-]+$/.test(event)) throw new GuichetError('NOTIFY_TEMPLATE_INVALID', 'bad template name');
    return join(this.dir, locale, `${event}.${part}.hbs`);
  }
}

export function compileTemplate(source: string, file: string): Compiled {
  const isHtml = file.endsWith('.html.hbs');
  const env = Handlebars.create();
  try {
    const template = env.compile(source, { knownHelpersOnly: true, noEscape: !isHtml, strict: false });
    // Compile now (Handlebars compiles lazily) so a broken template is refused at load time.
    template({});
    return (context) => template(context, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
  } catch (cause) {
    throw new GuichetError('NOTIFY_TEMPLATE_INVALID', `template ${file} does not compile: ${(cause as Error).message}`, { cause });
  }
}
