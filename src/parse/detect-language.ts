/**
 * The language a customer writes in, among those our users meet (fr, en, de, es, it, ru). Most
 * support mail settles it cheaply: Cyrillic is Russian among these six, and a few sentences of
 * Latin-script text carry function words ("vous", "the", "und", "para", "che") that tell the
 * other five apart. Only text those leave undecided goes to tinyld's light model (12 MB in
 * memory, about 2 ms for 500 characters, where the word count costs a few microseconds).
 * Null when the text is too short or too mixed to tell; the caller then falls back to what it
 * knows of the customer, then to the configured locale.
 */
import { detect } from 'tinyld/light';

const LANGUAGES = ['fr', 'en', 'de', 'es', 'it', 'ru'];

/** Frequent words of one language and not of the other four (so "de", "la", "in", "es" are absent). */
const FUNCTION_WORDS: Record<string, readonly string[]> = {
  fr: ['le', 'les', 'des', 'est', 'une', 'pour', 'pas', 'vous', 'nous', 'avec', 'je', 'merci', 'bonjour', 'sur', 'dans', 'qui', 'du', 'au', 'ce', 'cette', 'mais', 'très', 'notre', 'votre', 'nos', 'vos', 'ne', 'être', 'avons', 'avez'],
  en: ['the', 'and', 'is', 'are', 'you', 'your', 'of', 'with', 'have', 'this', 'that', 'my', 'we', 'please', 'thanks', 'would', 'could', 'what', 'when', 'there', 'our', 'from', 'been', 'it', 'for'],
  de: ['der', 'die', 'das', 'und', 'ist', 'nicht', 'ich', 'wir', 'sie', 'mit', 'für', 'auf', 'ein', 'eine', 'bitte', 'danke', 'zu', 'von', 'den', 'dem', 'haben', 'wird', 'auch', 'sehr'],
  es: ['el', 'los', 'las', 'y', 'por', 'para', 'gracias', 'hola', 'está', 'pero', 'muy', 'su', 'nuestro', 'del', 'lo', 'al', 'tengo', 'puede', 'cuenta', 'usted'],
  it: ['il', 'gli', 'della', 'che', 'non', 'sono', 'per', 'grazie', 'ciao', 'è', 'mi', 'ho', 'questo', 'del', 'alla', 'anche', 'nel', 'abbiamo', 'siamo', 'vostro'],
};
const WORD_LANGUAGES = new Map<string, string[]>();
for (const [language, words] of Object.entries(FUNCTION_WORDS)) {
  for (const word of words) WORD_LANGUAGES.set(word, [...(WORD_LANGUAGES.get(word) ?? []), language]);
}

export function detectLanguage(text: string): string | null {
  const sample = text.slice(0, 500).trim();
  if (sample.length < 12) return null;
  return byScriptOrWords(sample) ?? (detect(sample, { only: LANGUAGES }) || null);
}

/** The clear cases: mostly Cyrillic letters, or one language's function words outnumbering the others' three to one. */
export function byScriptOrWords(sample: string): string | null {
  const letters = sample.match(/\p{L}/gu)?.length ?? 0;
  const cyrillic = sample.match(/\p{Script=Cyrillic}/gu)?.length ?? 0;
  if (letters > 0 && cyrillic / letters > 0.6) return 'ru';
  if (cyrillic > 0) return null;
  const counts = new Map<string, number>();
  for (const word of sample.toLowerCase().split(/[^\p{L}]+/u)) {
    for (const language of WORD_LANGUAGES.get(word) ?? []) counts.set(language, (counts.get(language) ?? 0) + 1);
  }
  const [first, second] = [...counts].sort((a, b) => b[1] - a[1]);
  if (!first || first[1] < 4) return null;
  return first[1] >= 3 * (second?.[1] ?? 0) ? first[0] : null;
}
