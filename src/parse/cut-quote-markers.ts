/**
 * Cuts that email-reply-parser does not make but our users' mail needs: a reply that ends with
 * a forwarded-message separator or header block in a language or form it does not know, an
 * attribution line ("<date>, <name> <address>:") in a form it misses, or a signature card after
 * a dash line. Each rule marks the first line of quoted material and the text is cut there.
 * Rules are anchored to whole lines, and the looser ones need confirmation from the lines that
 * follow, so the same words inside a sentence are left alone.
 */

/**
 * No quote header, separator or signature line is longer than this (RFC 5322's limit on a line
 * of a message), so longer lines are not examined: the patterns below, like the reply parser's,
 * cost more than linear time on a long line.
 */
export const LONGEST_MARKER_LINE = 998;

interface QuoteRule {
  line: RegExp;
  /** When set, one of the next three lines must match for the rule to apply. */
  confirmedBy?: RegExp;
  /** Also applies when the line ends the text (the quote under it was already removed). */
  orLast?: boolean;
}

const HEADER_FOLLOW = /^\s*(Sent|Envoyé|Gesendet|Verzonden|Inviato|Enviado|Skickat|Sendt|Отправлено|Date|To|À|An|Aan|A|Para|Til|Subject|Objet|Betreff|Onderwerp|Oggetto|Asunto|Emne|Тема|Кому)\s*:/i;

const RULES: QuoteRule[] = [
  {
    line: /^-{2,}\s*(original message|message d'origine|ursprüngliche nachricht|oprindelig besked|mensaje original|messaggio originale|исходное сообщение|opprinnelig melding|alkuperäinen viesti)\s*-{2,}$/i,
  },
  { line: /^-{3,}\s*On .+wrote\s*-{3,}$/i },
  { line: /^_{10,}$/ },
  { line: /^(From|De|Von|Van|Da|Från|Fra|От)\s*:\s*.+$/i, confirmedBy: HEADER_FOLLOW },
  // "пн, 3 нояб. 2026 г. в 10:00, Name <a@b>:" and other attribution lines followed by a quote.
  { line: /\b(19|20)\d\d\b.*<[^<>\s]+@[^<>\s]+>\s*:$/, confirmedBy: /^>/, orLast: true },
];

/** A closing block after a dash line ("—", "--", "—————"): at most 7 short lines, like a signature card. */
const SIGNATURE_DASHES = /^(—+|–+|--)$/;

export function cutQuoteMarkers(text: string): string {
  return cutTrailingSignature(cutQuotedHeaders(text));
}

function cutQuotedHeaders(text: string): string {
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim();
    if (line.length > LONGEST_MARKER_LINE) continue;
    const following = lines.slice(index + 1, index + 4).filter((next) => next.trim());
    const rule = RULES.find(
      (candidate) =>
        candidate.line.test(line) &&
        (!candidate.confirmedBy || following.some((next) => candidate.confirmedBy?.test(next.trim())) || (candidate.orLast && following.length === 0)),
    );
    if (!rule) continue;
    return index === 0 ? '' : lines.slice(0, index).join('\n').trimEnd();
  }
  return text;
}

function cutTrailingSignature(text: string): string {
  const lines = text.split('\n');
  for (let index = lines.length - 1; index > 0; index--) {
    if (!SIGNATURE_DASHES.test((lines[index] ?? '').trim())) continue;
    const rest = lines.slice(index + 1).filter((line) => line.trim());
    if (rest.length > 0 && rest.length <= 7 && rest.every((line) => line.trim().length <= 60)) return lines.slice(0, index).join('\n').trimEnd();
    return text;
  }
  return text;
}
