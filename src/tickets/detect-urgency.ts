/**
 * Is a message urgent? Only by the configured phrases of each language ("la collecte ne
 * fonctionne plus", a legal threat…), compared without case or accents. Customers' own words of
 * urgency ("it blocks me", "URGENT!") are not enough: everyone's request is urgent to them.
 */

const NON_ASCII = /[\u0080-\uffff]/;

function fold(text: string): string {
  const lower = text.toLowerCase();
  // ASCII has no accents to take off: skip decomposing the whole message (every filing pays it).
  const bare = NON_ASCII.test(lower) ? lower.normalize('NFD').replace(/\p{M}+/gu, '') : lower;
  return bare.replace(/\s+/g, ' ');
}

/** The configured phrases, folded once (the configuration holds a few dozen at most). */
const foldedPhrases = new Map<string, string>();

function foldPhrase(phrase: string): string {
  let folded = foldedPhrases.get(phrase);
  if (folded === undefined) foldedPhrases.set(phrase, (folded = fold(phrase)));
  return folded;
}

export function findUrgencyPhrase(text: string, keywords: Readonly<Record<string, readonly string[]>>): string | null {
  const folded = fold(text);
  for (const phrases of Object.values(keywords)) {
    const found = phrases.find((phrase) => folded.includes(foldPhrase(phrase)));
    if (found) return found;
  }
  return null;
}
