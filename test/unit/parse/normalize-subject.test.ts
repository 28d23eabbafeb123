import { describe, expect, it } from 'vitest';
import { normalizeSubject, subjectKey } from '../../../src/parse/normalize-subject.js';

describe('normalizeSubject', () => {
  it.each([
    ['Re: Printer', 'Printer'],
    ['RE : Printer', 'Printer'],
    ['Re: RE: Fwd: Printer', 'Printer'],
    ['TR: Réf. : Facture', 'Facture'],
    ['AW: WG: Rechnung', 'Rechnung'],
    ['SV: Odp: Faktura', 'Faktura'],
    ['Ответ: Отв: Счёт', 'Счёт'],
    ['Re[2]: Printer', 'Printer'],
    ['[#123] Re: [team] Printer', 'Printer'],
    ['  Printer   on   fire ', 'Printer on fire'],
    ['Regarding the invoice', 'Regarding the invoice'],
    ['Trouble: login', 'Trouble: login'],
    ['', ''],
  ])('%j → %j', (subject, expected) => {
    expect(normalizeSubject(subject)).toBe(expected);
  });

  it('compares case-insensitively', () => {
    expect(subjectKey('RE: Printer ON fire')).toBe(subjectKey('printer on FIRE'));
  });
});
