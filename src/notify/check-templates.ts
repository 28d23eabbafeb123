/**
 * `guichet templates check`: every event has a subject, text and HTML template in English (the
 * fallback) and, as warnings, in every other locale; every template compiles and renders with
 * its event's sample data; and every variable it uses is one the event provides.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { compileTemplate } from './template-store.js';
import { templateEvents, templateParts } from './template-events.js';

export interface TemplateProblem {
  level: 'error' | 'warning';
  file: string;
  message: string;
}

export function checkTemplates(dir: string, locales: readonly string[]): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const locale of locales) {
    for (const [event, definition] of Object.entries(templateEvents)) {
      for (const part of templateParts) {
        const file = join(locale, `${event}.${part}.hbs`);
        const path = join(dir, file);
        if (!existsSync(path)) {
          problems.push({ level: locale === 'en' ? 'error' : 'warning', file, message: locale === 'en' ? 'missing (English is the fallback of every locale)' : 'missing; English is used' });
          continue;
        }
        problems.push(...checkOne(readFileSync(path, 'utf8'), file, definition.sample));
      }
    }
  }
  return problems;
}

export function checkOne(source: string, file: string, sample: Record<string, unknown>): TemplateProblem[] {
  try {
    compileTemplate(source, file)(sample);
  } catch (error) {
    return [{ level: 'error', file, message: (error as Error).message }];
  }
  return usedVariables(source)
    .filter((path) => resolve(sample, path) === undefined)
    .map((path) => ({ level: 'error' as const, file, message: `uses {{${path}}}, which this event does not provide` }));
}

/** Dotted paths a template reads, outside #each blocks (whose context is the item). */
function usedVariables(source: string): string[] {
  const paths = new Set<string>();
  const visit = (node: unknown, inEach: boolean): void => {
    if (!node || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.type === 'PathExpression' && !inEach && typeof record.original === 'string' && !['this', '.'].includes(record.original)) {
      paths.add(record.original);
    }
    const isEach = record.type === 'BlockStatement' && (record.path as { original?: string })?.original === 'each';
    for (const [key, value] of Object.entries(record)) {
      if (key === 'loc') continue;
      const childInEach = inEach || (isEach && (key === 'program' || key === 'inverse'));
      if (Array.isArray(value)) value.forEach((child) => visit(child, childInEach));
      else visit(value, childInEach);
    }
  };
  visit(Handlebars.parse(source), false);
  return [...paths].filter((path) => !['if', 'unless', 'each', 'with'].includes(path));
}

function resolve(data: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), data);
}
