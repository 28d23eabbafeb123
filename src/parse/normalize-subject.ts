/**
 * Subject normalisation for display and topic comparison: reply/forward prefixes in our users'
 * languages (Re, RE :, Fwd, TR, Réf., AW, WG, SV, Odp, Ответ, Fw…), repeated or nested, our
 * `[#123]` tags and list tags such as `[team]`, then whitespace folded.
 */

const PREFIX = /^\s*(?:(?:re|r[ée]f\.?|fwd?|tr|aw|wg|sv|vs|odp|antw|rif|enc|res|ответ|отв|пересл|fw)\s*(?:\[\d+\]|\(\d+\))?\s*:|\[[^\]]{1,40}\])\s*/iu;

export function normalizeSubject(subject: string): string {
  let rest = subject.replace(/\s+/g, ' ').trim();
  for (let guard = 0; guard < 20; guard++) {
    const next = rest.replace(PREFIX, '');
    if (next === rest) break;
    rest = next;
  }
  return rest.trim();
}

/** The form used to compare topics: normalised, lower-case. */
export function subjectKey(subject: string): string {
  return normalizeSubject(subject).toLowerCase();
}
