/**
 * Is a message urgent? Only by the configured phrases of each language ("la collecte ne
 * fonctionne plus", a legal threat…), compared without case or accents. Customers' own words of
 * urgency ("it blocks me", "URGENT!") are not enough: everyone's request is urgent to them.
 */

function fold(text: string): string {
  return text.toLowerCase().normalize('NFD').replace(/\p{M}+/gu, '').replace(/\s+/g, ' ');
}

export function findUrgencyPhrase(text: string, keywords: Readonly<Record<string, readonly string[]>>): string | null {
  const folded = fold(text);
  for (const phrases of Object.values(keywords)) {
    const found = phrases.find((phrase) => folded.includes(fold(phrase)));
    if (found) return found;
  }
  return null;
}
