/**
 * Folding the lines email-reply-parser cannot be about must not change what it finds: for the
 * reply corpus and for thousands of texts built from quote headers, signatures, quotes, blank
 * and ordinary lines, its fragments on the folded text, unfolded, are its fragments on the text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import EmailReplyParser from 'email-reply-parser';
import { describe, expect, it } from 'vitest';
import { LONGEST_MARKER_LINE } from '../../../src/parse/cut-quote-markers.js';
import { replyParserInput, unfold } from '../../../src/parse/reply-parser-input.js';
import { corpusDir } from '../../support/corpus.js';

function fragmentsOf(text: string, map: (content: string) => string = (content) => content) {
  return new EmailReplyParser()
    .read(text)
    .getFragments()
    .map((fragment) => ({ content: map(fragment.getContent()), hidden: fragment.isHidden(), signature: fragment.isSignature(), quoted: fragment.isQuoted() }));
}

function expectSameFragments(text: string): void {
  const input = replyParserInput(text);
  expect(fragmentsOf(input.text, (content) => unfold(content, input.folded))).toEqual(fragmentsOf(text));
}

const LINES = [
  'I have a question about my account and the export of donations.',
  'Merci de votre retour rapide, tout fonctionne maintenant.',
  'Спасибо, всё работает.',
  'Bob',
  'on Monday we tried again at noon',
  '  indented text  ',
  '',
  '',
  '   ',
  '> quoted line',
  '>> deeper quote',
  '  > quote after spaces',
  '> I have a question about my account and the export of donations.',
  '> > quoted twice, with a space',
  '>',
  '> On Mon, 3 Nov 2026 at 10:00, Bob <bob@example.org> wrote:',
  '> Le lun. 3 nov. 2026 à 10:00, Marie',
  '> a écrit :',
  '> -- ',
  '> Regards',
  '> Sent from my iPhone',
  'On Mon, 3 Nov 2026 at 10:00, Bob <bob@example.org> wrote:',
  'On Mon, 3 Nov 2026 at 10:00, Bob Smith',
  '<bob@example.org> wrote:',
  'wrote:',
  'Le lun. 3 nov. 2026 à 10:00, Marie <marie@example.fr> a écrit :',
  'Le lun. 3 nov. 2026 à 10:00, Marie',
  'a écrit :',
  'ср, 3 нояб. 2026 г. в 10:00, Иван <ivan@example.ru>:',
  'Am 03.11.2026 um 10:00 schrieb Hans Muster:',
  'Op 3 nov. 2026 om 10:00 schreef Jan <jan@example.nl>:',
  'Den 3 nov. 2026 skrev Lars <lars@example.dk>:',
  '2026-11-03 10:00 GMT+01:00 Bob <bob@example.org>:',
  '-----Original Message-----',
  '----- Message d\'origine -----',
  'From: Bob <bob@example.org>',
  'De : Marie [mailto:marie@example.fr]',
  'Sent: Monday, 3 November 2026 10:00',
  'Objet : export',
  'Sent from my iPhone',
  'Envoyé de mon iPhone',
  'Get Outlook for Android',
  '-- ',
  '--',
  '---',
  '====',
  '________________________________',
  'Regards',
  'Best regards,',
  'Kind regards',
  'Cordialement,',
  'Bien à vous,',
  'Bonne journée',
  'Cheers!',
  'Marie Dupont',
  'Marie Dupont <marie@example.fr>',
  'Aide en ligne : <https://example.org/aide>',
  '[image: logo]',
  'colonne | valeur',
  'Association Les Amis',
  '01 23 45 67 89',
  '-',
];

/** The lines most of a mail is made of, quoted or not. */
const ORDINARY = [...LINES.slice(0, 5), '> I have a question about my account and the export of donations.', '>'];

/** A small seeded generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('the reply parser on folded lines', () => {
  it('finds the same fragments in every reply of the corpus', () => {
    const dir = corpusDir('replies');
    const files = readdirSync(dir);
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) expectSameFragments(readFileSync(join(dir, file), 'utf8').replace(/\r\n/g, '\n'));
  });

  it('finds the same fragments in 3,000 texts built from headers, signatures, quotes and ordinary lines', () => {
    const next = random(20261203);
    let foldedSome = 0;
    for (let round = 0; round < 3000; round += 1) {
      const count = 1 + Math.floor(next() * 40);
      const lines: string[] = [];
      for (let index = 0; index < count; index += 1) {
        // Mostly ordinary lines, as in mail, so that runs long enough to fold occur.
        lines.push(next() < 0.6 ? ORDINARY[Math.floor(next() * ORDINARY.length)]! : LINES[Math.floor(next() * LINES.length)]!);
      }
      const text = lines.join('\n');
      if (replyParserInput(text).folded.length > 0) foldedSome += 1;
      expectSameFragments(text);
    }
    // Had nothing been folded, the comparison above would prove nothing.
    expect(foldedSome).toBeGreaterThan(500);
  });

  it('finds the same fragments around quote headers split over lines, amid ordinary lines', () => {
    const ordinary = Array.from({ length: 12 }, (_, index) => `Une ligne ordinaire du message, numéro ${index}.`);
    const headers: [string, string][] = [
      ['Le lun. 3 nov. 2026 à 10:00, Marie Dupont', 'a écrit :'],
      ['On Mon, 3 Nov 2026 at 10:00, Bob Smith', 'wrote:'],
      ['El lun, 3 nov 2026 a las 10:00, Ana', 'escribió:'],
      ['Il giorno lun 3 nov 2026, Luca', 'ha scritto:'],
      ['Em seg, 3 de nov de 2026, Rui', 'escreveu:'],
      ['pe 3. marrask. 2026 klo 10.00 Matti', 'kirjoitti:'],
      ['From: Bob Smith', '<bob@example.org>'],
      ['De : Marie Dupont', '[mailto:marie@example.fr]'],
      ['Von: Hans Muster', '<hans@example.de>'],
      ['2026-11-03 10:00', 'GMT+01:00 Bob Smith <bob@example.org>:'],
      // Gmail's Russian attribution has a narrow no-break space before "г.", as has the library's pattern.
      ['ср, 3 нояб. 2026', '\u202Fг. в 10:00, Иван, <ivan@example.ru>:'],
    ];
    for (const [opening, closing] of headers) {
      for (const gap of [0, 1, 2]) {
        const between = ordinary.slice(0, gap);
        expectSameFragments([...ordinary, '', opening, ...between, closing, '', '> la question', ...ordinary].join('\n'));
        expectSameFragments([...ordinary, opening, ...between, closing, '> la question'].join('\n'));
        // Without a quote mark after it, only the header's own word keeps it from being folded.
        expectSameFragments([...ordinary, '', opening, ...between, closing, '', ...ordinary].join('\n'));
        // And the same inside a quote, as in a reply to a reply.
        const quoted = (part: string[]) => part.map((line) => `> ${line}`);
        expectSameFragments([...ordinary, '', ...quoted([...ordinary, opening, ...between, closing, '', ...ordinary])].join('\n'));
      }
    }
  });

  it('folds a long message to a few lines and keeps those near a signature', () => {
    const text = `Hello,\n\n${'I have a question about my account and the export of donations.\n'.repeat(28)}\nRegards\n`;
    const input = replyParserInput(text);
    expect(input.text.split('\n').length).toBeLessThan(15);
    expect(input.text).toContain('Regards');
    expect(unfold(input.text, input.folded)).toBe(text);
  });

  it('never lets a long line or the shield character through, however the line opens', () => {
    const lines = [`   > On ${'x '.repeat(20_000)}`, ' '.repeat(5000), `> ${'y'.repeat(2000)}`, '  > a \uE0000\uE000 b', 'plain \uE000 text'];
    for (const text of [lines.join('\n'), `${lines.join('\n')}\nOp 3 nov. 2026 schreef Jan <jan@example.nl>:`]) {
      const input = replyParserInput(text);
      const shown = input.text.replace(/\uE000\d+\uE000/g, '');
      expect(shown).not.toContain('\uE000');
      expect(Math.max(...input.text.split('\n').map((line) => line.length))).toBeLessThanOrEqual(LONGEST_MARKER_LINE);
      expect(unfold(input.text, input.folded)).toBe(text.split('\n').map((line) => (line.length > LONGEST_MARKER_LINE || line.includes('\uE000') ? line : line.trimEnd())).join('\n'));
    }
  });

  it('folds nothing but long lines when a header can span any number of lines', () => {
    const text = `Hallo,\n${'Een gewone regel tekst.\n'.repeat(20)}Op 3 nov. 2026 schreef Jan\n<jan@example.nl>:\n> vraag`;
    expect(replyParserInput(text)).toEqual({ text, folded: [] });
  });
});
