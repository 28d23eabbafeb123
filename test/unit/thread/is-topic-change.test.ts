import { describe, expect, it } from 'vitest';
import { isTopicChange } from '../../../src/thread/is-topic-change.js';
import { wordsMatch } from '../../../src/thread/topic-words.js';

const threshold = 0.34;

describe('isTopicChange', () => {
  it.each([
    ['Sync is broken', 'Re: Sync is broken'],
    ['Sync is broken', 'RE: Sync is broken - URGENT'],
    ['Printer on fire', 'Re: Pritner on fire'],
    ['Problème de synchronisation', 'TR: Problème de synchro'],
    ['Export des dons', 'Réf. : Export des dons en CSV'],
    ['Reçu fiscal 2025', 'Re: [#4] Reçu fiscal 2025 toujours pas reçu'],
    ['Sync is broken', 'Any news?'],
    ['Export des dons', 'Des nouvelles ?'],
    ['Sync is broken', 'screenshot'],
    ['Sync is broken', 'Re: pièce jointe'],
    ['Sync is broken', ''],
    ['Sync is broken', 'Re: [#1]'],
    ['Счёт за ноябрь', 'Ответ: Счёт за ноябрь'],
  ])('%j → %j keeps the thread', (before, after) => {
    expect(isTopicChange(before, after, threshold).changed).toBe(false);
  });

  it.each([
    ['Sync is broken', 'Re: New card terminal order'],
    ['Reçu fiscal', "Re: Changement d'adresse de facturation"],
    ['Export des dons', 'Connexion impossible au tableau de bord'],
    ['Счёт за ноябрь', 'Ответ: Интеграция с 1С не работает'],
  ])('%j → %j is a new topic', (before, after) => {
    const change = isTopicChange(before, after, threshold);
    expect(change.changed).toBe(true);
    expect(change.similarity).toBeLessThan(threshold);
  });

  it('follows the configured threshold', () => {
    expect(isTopicChange('Sync is broken', 'Sync works but invoices are missing', 0.34).changed).toBe(false);
    expect(isTopicChange('Sync is broken', 'Sync works but invoices are missing', 0.9).changed).toBe(true);
  });
});

describe('wordsMatch', () => {
  it.each([
    ['synchro', 'synchronisation', true],
    ['rembourser', 'remboursement', true],
    ['printer', 'pritner', true],
    ['export', 'exports', true],
    ['invoice', 'invoke', false],
    ['card', 'cart', false],
  ])('%s ~ %s: %s', (a, b, expected) => {
    expect(wordsMatch(a, b)).toBe(expected);
  });
});
