import { describe, expect, it } from 'vitest';
import { findUrgencyPhrase } from '../../../src/tickets/detect-urgency.js';

const keywords = { fr: ['collecte bloquée', 'mise en demeure'], en: ['legal action'], ru: ['не работает сбор'] };

describe('findUrgencyPhrase', () => {
  it('matches without case, accents or line breaks, in plain ASCII text too', () => {
    expect(findUrgencyPhrase('Bonjour, notre COLLECTE\r\n  BLOQUEE depuis hier', keywords)).toBe('collecte bloquée');
    expect(findUrgencyPhrase('We will take Legal\nAction.', keywords)).toBe('legal action');
    expect(findUrgencyPhrase('Notre collecte bloquée, mise en demeure reçue', keywords)).toBe('collecte bloquée');
    expect(findUrgencyPhrase('Сегодня НЕ РАБОТАЕТ сбор пожертвований', keywords)).toBe('не работает сбор');
  });

  it('finds nothing in ordinary requests', () => {
    expect(findUrgencyPhrase('Pouvez-vous renvoyer la facture ? La collecte marche bien.', keywords)).toBeNull();
    expect(findUrgencyPhrase('A legal question about receipts', keywords)).toBeNull();
  });
});
