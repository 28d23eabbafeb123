/**
 * The new part of a reply: what the sender wrote this time, without quoted history, forwarded
 * header blocks or client signatures ("Sent from my iPhone", "-- "). Plain text goes through
 * email-reply-parser (wrapped, not forked), then through the few cuts it misses on our users'
 * mail (see cut-quote-markers.ts). HTML-only replies are cut at the quote containers that
 * clients insert (Gmail's gmail_quote, Outlook's divRplyFwdMsg, Apple's blockquote type=cite,
 * Thunderbird's moz-cite-prefix) before being turned into text.
 * Never returns less than nothing useful: if the cuts leave no text, the full text is kept.
 */
import EmailReplyParser from 'email-reply-parser';
import { convert } from 'html-to-text';
import { cutQuoteMarkers } from './cut-quote-markers.js';

const HTML_QUOTE_STARTS = [
  /<div[^>]+class=["'][^"']*gmail_quote/i,
  /<div[^>]+id=["']?divRplyFwdMsg/i,
  /<div[^>]+id=["']?appendonsend/i,
  /<blockquote[^>]+type=["']?cite/i,
  /<div[^>]+class=["'][^"']*moz-cite-prefix/i,
  /<div[^>]+class=["'][^"']*yahoo_quoted/i,
  /<hr[^>]*>\s*<div[^>]*>\s*<font[^>]*>\s*<b>\s*(From|De|Von|Van|Da)\s*:/i,
];

export function extractNewPart(text: string, html: string | null): string {
  const source = text.trim() ? text : html ? htmlToReplyText(html) : '';
  const cut = cutQuoteMarkers(visibleText(source.replace(/\r\n/g, '\n'))).trim();
  return cut || source.trim();
}

/**
 * The library's visible fragments, except that a "signature" it found at a line of three or more
 * dashes or equals signs is kept: that is a separator in the text (markdown rules, tables), not
 * the RFC 3676 delimiter "-- ", and cutting there loses what the customer wrote.
 */
function visibleText(source: string): string {
  const kept: string[] = [];
  for (const fragment of new EmailReplyParser().read(source).getFragments()) {
    const content = fragment.getContent();
    const firstLine = content.trimStart().split('\n')[0]?.trim() ?? '';
    const isSeparator = fragment.isSignature() && !fragment.isQuoted() && /^(-{3,}|={3,})$/.test(firstLine);
    if (!fragment.isHidden() || isSeparator) kept.push(content);
  }
  return kept.join('\n');
}

/** The HTML cut at the first quote container, as text. */
export function htmlToReplyText(html: string): string {
  const starts = HTML_QUOTE_STARTS.map((pattern) => html.search(pattern)).filter((index) => index > 0);
  const cutAt = starts.length > 0 ? Math.min(...starts) : html.length;
  return convert(html.slice(0, cutAt), {
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'blockquote', format: 'skip' },
    ],
  });
}
