/**
 * What email-reply-parser is given: the text with the lines none of its patterns can be about
 * folded into numbered placeholders, put back in its fragments afterwards. The library tests
 * each line against some sixty regular expressions and reverses it character by character
 * several times: 280 µs for a 2 KB message of 33 lines (warm, reference VM), over a tenth of
 * what filing that message costs; folded to six lines, the whole reply stripping takes 60 µs.
 *
 * Folding changes nothing in its result. It splits the text into fragments from each line and
 * the one after it; a run of ordinary lines (not blank, not quoted, no signature or quote-header
 * pattern possible) behaves there like a single ordinary line, which the placeholder is, and a
 * run of such quoted lines like a single quoted line (no signature pattern matches a line that
 * opens with `>`). Some quote-header patterns also match across lines, as far as five lines
 * from the word that every match must contain ("wrote", "écrit", "From:"…): lines that near
 * such a word are left as they are, so every match sees the same text as without folding. The
 * few patterns that span any number of lines (Dutch, Polish, Danish, Chinese headers) leave the
 * text unfolded but for its long lines: a line longer than LONGEST_MARKER_LINE, which no quote
 * header or signature is, is always folded, whatever it holds, as the library's patterns
 * backtrack on long lines.
 */
import { LONGEST_MARKER_LINE } from './cut-quote-markers.js';

/** Private-use characters around a placeholder's number: no pattern of the library matches them. */
const SHIELD = '\uE000';
const PLACEHOLDER = /\uE000(\d+)\uE000/g;

/**
 * A word, sign or mark that each of the library's signature and quote-header patterns needs on
 * one of the lines it matches (dist/regex.js of email-reply-parser 2.3), case ignored: a line
 * without any is ordinary. Kept wider than the patterns; only the speed depends on them. The
 * quote headers that can run over several lines need one of SPANNING_WORDS; the signatures and
 * the other headers are tested on one line at a time, so their lines' neighbours can be folded.
 */
const SPANNING_WORDS = /wrote|écrit|escribió|scritto|escreveu|schrieb|kirjoitti|작성|のメッセージ|(from|von|de|van|da)\s?:|г\. в|20[0-9]{2}-[0-9]{2}/i;
const ONE_LINE_WORDS =
  /[<>]|--|__|\+\+|==|original|oprindelig|message d|ursprüngliche|sent from|outlook|cheers|best wishes|regards|gesendet|sendt fra|envoy|bien . vous|cordialement|bonne (journ.e|soir.e)|enviado desde|verzonden vanaf|verstuurd vanaf/i;
/** Patterns that can span any number of lines: with one of these words, nothing is folded. */
const UNBOUNDED = /schreef|pisze|napisał|skrev|写道/i;
/** Lines on either side of a line with one of SPANNING_WORDS left unfolded (the widest match spans six). */
const NEAR_LINES = 6;

export interface ReplyParserInput {
  text: string;
  /** What each placeholder stands for. */
  folded: string[];
}

/** A line the library must never see: too long for its patterns, or holding the shield character. */
function isLong(line: string): boolean {
  return line.length > LONGEST_MARKER_LINE || line.includes(SHIELD);
}

/**
 * How the library reads a line: quoted when it opens with `>` (the library looks at nothing
 * else), ordinary, or null for a line kept as it is (blank, or a `>` after spaces). A long line
 * is always folded, whatever it holds: as quoted when it opens with `>`, else as ordinary.
 */
function kindOf(line: string): 'quoted' | 'ordinary' | null {
  if (line.startsWith('>')) return 'quoted';
  if (isLong(line)) return 'ordinary';
  return line.trim() === '' || /^\s+>/.test(line) ? null : 'ordinary';
}

export function replyParserInput(text: string): ReplyParserInput {
  const lines = text.split('\n');
  const kinds = lines.map(kindOf);
  const foldable = kinds.map((kind) => kind !== null);
  if (!UNBOUNDED.test(text)) keepNearSuspects(lines, foldable);
  else for (let index = 0; index < lines.length; index += 1) foldable[index] = foldable[index]! && isLong(lines[index]!);
  const folded: string[] = [];
  const out: string[] = [];
  for (let index = 0; index < lines.length; ) {
    const kind = kinds[index];
    if (!foldable[index]) {
      out.push(lines[index]!);
      index += 1;
      continue;
    }
    // A run of one kind: the library drops the spaces that end a line it keeps; a long line is kept as it came.
    const run: string[] = [];
    for (; index < lines.length && foldable[index] && kinds[index] === kind; index += 1) run.push(isLong(lines[index]!) ? lines[index]! : lines[index]!.trimEnd());
    // A quoted run's placeholder opens with the run's first `>`, so that it still reads as quoted.
    const quote = kind === 'quoted' ? '>' : '';
    out.push(`${quote}${SHIELD}${folded.push(run.join('\n').slice(quote.length)) - 1}${SHIELD}`);
  }
  return { text: out.join('\n'), folded };
}

/**
 * Marks unfoldable the lines with one of the words, and those within NEAR_LINES non-blank lines
 * of a spanning one. A quoted line is read without its opening `>` and spaces: the patterns that
 * need a `>` need a `<` or "20YY-" before it on the same line.
 */
function keepNearSuspects(lines: string[], foldable: boolean[]): void {
  const nonBlank = lines.flatMap((line, index) => (line.trim() !== '' ? [index] : []));
  nonBlank.forEach((index, rank) => {
    const line = lines[index]!;
    if (isLong(line)) return;
    const words = line.replace(/^[>\s]+/, '');
    if (!SPANNING_WORDS.test(words)) {
      if (ONE_LINE_WORDS.test(words)) foldable[index] = false;
      return;
    }
    const to = Math.min(nonBlank.length - 1, rank + NEAR_LINES);
    for (let near = Math.max(0, rank - NEAR_LINES); near <= to; near += 1) {
      if (!isLong(lines[nonBlank[near]!]!)) foldable[nonBlank[near]!] = false;
    }
  });
}

/** The fragment's text with its placeholders replaced by what they stand for. */
export function unfold(text: string, folded: string[]): string {
  return text.replace(PLACEHOLDER, (_, index: string) => folded[Number(index)] ?? '');
}
