/**
 * The new part of a reply: what the sender wrote this time, without quoted history, forwarded
 * header blocks or client signatures ("Sent from my iPhone", "-- "). Plain text goes through
 * email-reply-parser (wrapped, not forked), then through the few cuts it misses on our users'
 * mail (see cut-quote-markers.ts). HTML that mailparser left without text goes through
 * html-reply-text.ts first.
 * Never returns less than nothing useful: if the cuts leave no text, the full text is kept.
 * The library's regular expressions backtrack, so it is given bounded work (filing runs on the
 * event loop, and every SMTP session waits while a message is filed): a 400 KB line that opened
 * with "On " took it minutes, 1.5 MB of lines opening with "Op " 4 s. It reads the first
 * PARSED_HEAD_CHARS of the text, where a reply's new part and its first quote header are, with
 * the lines it cannot be about folded away (reply-parser-input.ts). When it hid nothing in that
 * head, the rest is kept too.
 */
import EmailReplyParser from 'email-reply-parser';
import { cutQuoteMarkers } from './cut-quote-markers.js';
import { htmlToReplyText } from './html-reply-text.js';
import { replyParserInput, unfold } from './reply-parser-input.js';

const PARSED_HEAD_CHARS = 64 * 1024;

/** `htmlAsText`: the whole HTML part's text, when the caller has converted it already. */
export function extractNewPart(text: string, html: string | null, htmlAsText?: string): string {
  const source = text.trim() ? text : html ? htmlToReplyText(html, htmlAsText) : '';
  const cut = cutQuoteMarkers(visibleText(source.replace(/\r\n/g, '\n'))).trim();
  return cut || source.trim();
}

/**
 * The library's visible fragments, except that a "signature" it found at a line of three or more
 * dashes or equals signs is kept: that is a separator in the text (markdown rules, tables), not
 * the RFC 3676 delimiter "-- ", and cutting there loses what the customer wrote.
 */
function visibleText(source: string): string {
  const headEnd = source.length > PARSED_HEAD_CHARS ? source.lastIndexOf('\n', PARSED_HEAD_CHARS) + 1 || PARSED_HEAD_CHARS : source.length;
  const input = replyParserInput(source.slice(0, headEnd));
  const kept: string[] = [];
  let hidden = false;
  for (const fragment of new EmailReplyParser().read(input.text).getFragments()) {
    const content = fragment.getContent();
    const firstLine = content.trimStart().split('\n')[0]?.trim() ?? '';
    const isSeparator = fragment.isSignature() && !fragment.isQuoted() && /^(-{3,}|={3,})$/.test(firstLine);
    if (!fragment.isHidden() || isSeparator) kept.push(content);
    else if (content.trim()) hidden = true;
  }
  const visible = unfold(kept.join('\n'), input.folded);
  if (hidden || headEnd === source.length) return visible;
  return `${visible.endsWith('\n') ? visible : `${visible}\n`}${source.slice(headEnd)}`;
}
