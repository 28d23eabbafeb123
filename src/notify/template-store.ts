/**
 * Handlebars templates from `templates/<locale>/<event>.{subject,text,html}.hbs`, plus
 * `labels.json` per locale (localised status words). Each template is compiled in its own
 * Handlebars environment with `knownHelpersOnly` and no prototype access, because admins edit
 * them. The text and subject parts are not HTML-escaped; the HTML part is. Header values lose
 * CR/LF so a template or a customer subject cannot inject headers.
 * Failure: GuichetError NOTIFY_TEMPLATE_INVALID naming the file.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { GuichetError } from '../guichet-error.js';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

type Compiled = (context: object) => string;
const parts = ['subject', 'text', 'html'] as const;

export class TemplateStore {
  private readonly compiled = new Map<string, Compiled>();
  private readonly labels = new Map<string, Record<string, string>>();

  constructor(
    readonly dir: string,
    private readonly defaultLocale: string,
  ) {
    this.loadAll();
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

  private loadAll(): void {
    if (!existsSync(this.dir)) throw new GuichetError('NOTIFY_TEMPLATE_INVALID', `templates directory ${this.dir} does not exist`);
    for (const locale of readdirSync(this.dir)) {
      const localeDir = join(this.dir, locale);
      const labelsFile = join(localeDir, 'labels.json');
      if (!existsSync(labelsFile)) continue;
      this.labels.set(locale, JSON.parse(readFileSync(labelsFile, 'utf8')) as Record<string, string>);
      for (const file of readdirSync(localeDir).filter((name) => name.endsWith('.hbs'))) {
        const key = `${locale}/${file.replace(/\.hbs$/, '')}`;
        this.compiled.set(key, compileTemplate(readFileSync(join(localeDir, file), 'utf8'), file));
      }
    }
  }
}

export function compileTemplate(source: string, file: string): Compiled {
  const isHtml = file.endsWith('.html.hbs');
  const env = Handlebars.create();
  try {
    const template = env.compile(source, { knownHelpersOnly: true, noEscape: !isHtml, strict: false });
    // Compile now (Handlebars compiles lazily) so a broken template is refused at load time.
    template({});
    return (context) =>
      template(context, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
  } catch (cause) {
    throw new GuichetError('NOTIFY_TEMPLATE_INVALID', `template ${file} does not compile: ${(cause as Error).message}`, { cause });
  }
}
