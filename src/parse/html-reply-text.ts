/**
 * The text of an HTML part that mailparser did not turn into text (an HTML part beside an empty
 * text part, or HTML it refused: over its length limit, nested deeper than it walks): the whole of
 * it, for the stored message, and the reply's own part, for the new part. For the latter the HTML
 * is cut at the first quote container a client inserts (Gmail's
 * gmail_quote, Outlook's divRplyFwdMsg, Apple's blockquote type=cite, Thunderbird's
 * moz-cite-prefix, Yahoo's yahoo_quoted), then turned into text.
 * This is the path hostile or broken HTML takes, so nothing here may grow faster than the input:
 * the quote containers are looked for tag by tag in a bounded window (a pattern such as
 * `<div[^>]+class=` run over the whole HTML retries from every `<div` to the next `>`: half a
 * megabyte of unclosed `<div ` took minutes), and HTML that html-to-text would recurse into too
 * deeply, or is too long for it, is read by htmlparser2's streaming parser, which keeps no tree.
 */
import { convert } from 'html-to-text';
import { Parser } from 'htmlparser2';

/** The longest opening tag (or `<hr>…<b>From:` run) examined for a quote container. */
const TAG_WINDOW = 400;
const QUOTE_CONTAINERS = [
  /^<div\b[^>]*\b(class=["'][^"']*\b(gmail_quote|moz-cite-prefix|yahoo_quoted)|id=["']?(divRplyFwdMsg|appendonsend))/i,
  /^<blockquote\b[^>]*\btype=["']?cite/i,
  // Outlook's plain separator: a rule, then a header block opening with a bold "From:".
  /^<hr[^>]*>\s*<div[^>]*>\s*<font[^>]*>\s*<b>\s*(From|De|Von|Van|Da)\s*:/i,
];
/** What html-to-text is given: the depth mailparser also stops at, and its length limit. */
const CONVERTIBLE_DEPTH = 1000;
const CONVERTIBLE_LENGTH = 2 * 1024 * 1024;

/**
 * The reply's own text: the HTML up to its first quote container, as text. `wholeText`, the
 * whole HTML's text when the caller has it already, is returned as it is when there is no quote
 * container, rather than converting the same HTML a second time.
 */
export function htmlToReplyText(html: string, wholeText?: string): string {
  const end = quoteStart(html);
  return end === html.length && wholeText !== undefined ? wholeText : textOfHtml(html.slice(0, end));
}

/** The whole HTML as text: html-to-text's rendering where it can take the HTML, else the streamed words. */
export function textOfHtml(html: string): string {
  const streamed = streamedText(html);
  if (streamed.depth > CONVERTIBLE_DEPTH || html.length > CONVERTIBLE_LENGTH) return streamed.text;
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'blockquote', format: 'skip' },
    ],
  });
}

/** Where the first quote container opens, or the HTML's length; never at 0 (that would leave nothing). */
function quoteStart(html: string): number {
  for (let at = html.indexOf('<', 1); at >= 0; at = html.indexOf('<', at + 1)) {
    const window = html.slice(at, at + TAG_WINDOW);
    if (QUOTE_CONTAINERS.some((pattern) => pattern.test(window))) return at;
  }
  return html.length;
}

const BLOCKS = new Set(['p', 'div', 'br', 'li', 'tr', 'table', 'blockquote', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre', 'section', 'article']);
const UNREAD = new Set(['script', 'style', 'head', 'title']);

/** The words of the HTML, a line per block, and how deep its elements nest; in one pass, without a tree. */
function streamedText(html: string): { text: string; depth: number } {
  const chunks: string[] = [];
  let depth = 0;
  let deepest = 0;
  let unread = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        depth += 1;
        deepest = Math.max(deepest, depth);
        if (UNREAD.has(name)) unread += 1;
        if (BLOCKS.has(name)) chunks.push('\n');
      },
      onclosetag(name) {
        depth = Math.max(0, depth - 1);
        if (UNREAD.has(name)) unread = Math.max(0, unread - 1);
        if (BLOCKS.has(name)) chunks.push('\n');
      },
      ontext(text) {
        if (unread === 0) chunks.push(text.replace(/\s+/g, ' '));
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  const text = chunks
    .join('')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { text, depth: deepest };
}
