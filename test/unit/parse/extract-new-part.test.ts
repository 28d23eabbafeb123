/**
 * Reply stripping on our own cases (HTML from the main clients, French and Russian forms), and
 * the accuracy floor on the shared corpus of real replies (labels in test/fixtures/replies).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scoreReplies } from '../../../bench/eval-replies.js';
import { extractNewPart } from '../../../src/parse/extract-new-part.js';
import { corpusDir } from '../../support/corpus.js';

describe('extractNewPart, HTML replies', () => {
  it.each([
    [
      'Gmail',
      '<div dir="ltr">Merci, ça marche !</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">Le lun. 3 nov. 2026 à 10:00, Support &lt;support@example.org&gt; a écrit :<br></div><blockquote class="gmail_quote">Ancien texte</blockquote></div>',
      'Merci, ça marche !',
    ],
    [
      'Outlook',
      '<html><body><div>Thanks, it is fixed now.</div><div id="appendonsend"></div><hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg" dir="ltr"><font face="Calibri"><b>From:</b> Support &lt;support@example.org&gt;<br><b>Sent:</b> Monday</font></div><div>Ancien texte</div></body></html>',
      'Thanks, it is fixed now.',
    ],
    [
      'Apple Mail',
      '<html><body><div>Yes, please go ahead.</div><div><br><blockquote type="cite"><div>On 3 Nov 2026, at 10:00, Support wrote:</div>Ancien texte</blockquote></div></body></html>',
      'Yes, please go ahead.',
    ],
    [
      'Thunderbird',
      '<p>Ok pour moi.</p><div class="moz-cite-prefix">Le 03/11/2026 à 10:00, Support a écrit&nbsp;:<br></div><blockquote type="cite">Ancien texte</blockquote>',
      'Ok pour moi.',
    ],
  ])('%s', (_client, html, expected) => {
    const part = extractNewPart('', html);
    expect(part).toContain(expected);
    expect(part).not.toContain('Ancien texte');
    expect(part).not.toMatch(/a écrit|wrote:|From:/);
  });
});

describe('extractNewPart, plain text in our users’ languages', () => {
  it('cuts an Outlook French header block and the closing formula before it', () => {
    const text = "Bonjour,\n\nC'est réglé, merci.\n\nCordialement,\nMarie\n\nDe : Support <support@example.org>\nEnvoyé : lundi 3 novembre 2026 10:00\nÀ : Marie <marie@asso.test>\nObjet : [#12] Export\n\nAncien texte";
    const part = extractNewPart(text, null);
    expect(part).toContain("C'est réglé, merci.");
    expect(part).not.toContain('Envoyé :');
    expect(part).not.toContain('Ancien texte');
  });

  it('cuts "Envoyé de mon iPhone" and a "Le … a écrit :" quote', () => {
    const text = "Toujours bloqué.\n\nEnvoyé de mon iPhone\n\nLe 3 nov. 2026 à 10:00, Support <support@example.org> a écrit :\n> Ancien texte";
    expect(extractNewPart(text, null)).toBe('Toujours bloqué.');
  });

  it('cuts a Russian Gmail quote header', () => {
    const text = 'Спасибо, всё работает.\n\nпн, 3 нояб. 2026 г. в 10:00, Support <support@example.org>:\n> Ancien texte';
    expect(extractNewPart(text, null)).toBe('Спасибо, всё работает.');
  });

  it('keeps a message that only looks like it has headers', () => {
    const text = 'The export comes from: the accounting module.\nTo: whom it may concern, it fails.';
    expect(extractNewPart(text, null)).toBe(text);
  });

  it('keeps the full text when everything would be cut', () => {
    expect(extractNewPart('> only a quote', null)).toBe('> only a quote');
  });
});

describe('extractNewPart, text the reply parser is given in bounded pieces', () => {
  const quote = '\n\nLe 3 nov. 2026 à 10:00, Support <support@example.org> a écrit :\n> Ancien texte';

  it('keeps a line too long to be a quote header whole, and still cuts the quote after it', () => {
    const long = `On ${'x '.repeat(5000)}end`;
    expect(extractNewPart(`Bonjour,\n${long}${quote}`, null)).toBe(`Bonjour,\n${long}`);
  });

  it('hides a long quoted line with the rest of the quote', () => {
    const text = `Toujours bloqué.${quote}\n> ${'y'.repeat(3000)}`;
    expect(extractNewPart(text, null)).toBe('Toujours bloqué.');
  });

  it('keeps text that holds the placeholder character as it was', () => {
    const text = 'Code \uE0000\uE000 reçu.';
    expect(extractNewPart(text, null)).toBe(text);
  });

  it('keeps the whole of a long text with no quote near its start', () => {
    const text = 'Une ligne du journal d’export, sans citation.\n'.repeat(3000).trim();
    expect(text.length).toBeGreaterThan(64 * 1024);
    expect(extractNewPart(text, null)).toBe(text);
  });

  it('drops what follows a quote found near the start of a long text', () => {
    const text = `Toujours bloqué.${quote}\n${'> ligne citée\n'.repeat(8000)}`;
    expect(text.length).toBeGreaterThan(64 * 1024);
    expect(extractNewPart(text, null)).toBe('Toujours bloqué.');
  });
});

describe('extractNewPart, HTML mailparser left without text', () => {
  it('finds a quote container after many unclosed tags, in linear time', () => {
    const html = `<p>Merci, ça marche !</p>${'<div '.repeat(50_000)}><div class="gmail_quote">Ancien texte</div>`;
    const started = performance.now();
    const part = extractNewPart('', html);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(part).toContain('Merci, ça marche !');
    expect(part).not.toContain('Ancien texte');
  });

  it('reads HTML nested deeper than html-to-text walks, block by block', () => {
    const html = `<p>Bonjour &amp; merci</p>${'<div>'.repeat(3000)}<p>Le reçu manque.</p><script>var x;</script>${'</div>'.repeat(3000)}`;
    expect(extractNewPart('', html)).toBe('Bonjour & merci\n\nLe reçu manque.');
  });

  it("takes the HTML's text as given when there is no quote container, and cuts the HTML itself when there is one", () => {
    // The given text differs from a conversion on purpose, to show which one was used.
    expect(extractNewPart('', '<p>Le reçu manque.</p>', 'Le reçu manque (converted once).')).toBe('Le reçu manque (converted once).');
    const quoted = '<p>Merci !</p><div class="gmail_quote">Ancien texte</div>';
    expect(extractNewPart('', quoted, 'Merci !\n\nAncien texte')).toBe('Merci !');
  });
});

describe('reply corpus', () => {
  it('strips at least 58 of the 60 labelled real replies correctly', () => {
    const root = join(import.meta.dirname, '..', '..', '..');
    const score = scoreReplies(corpusDir('replies'), join(root, 'test', 'fixtures', 'replies', 'labels.json'));
    expect(score.total).toBe(60);
    expect(score.failures.map((failure) => failure.file)).toEqual(['email_with_date_headers.txt']);
    expect(score.right).toBeGreaterThanOrEqual(58);
  });
});
