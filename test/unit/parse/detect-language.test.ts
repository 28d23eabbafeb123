import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { detect } from 'tinyld/light';
import { describe, expect, it } from 'vitest';
import { byScriptOrWords, detectLanguage } from '../../../src/parse/detect-language.js';
import { corpusDir } from '../../support/corpus.js';

const samples: Record<string, string> = {
  fr: 'Bonjour, nous avons un souci avec la collecte : les dons ne sont plus enregistrés depuis hier. Merci pour votre aide.',
  en: 'Hello, we have a problem with the export: the file is empty since yesterday. Could you please have a look? Thanks.',
  de: 'Guten Tag, ich kann mich nicht mehr anmelden und die Rechnung ist auch nicht angekommen. Bitte helfen Sie mir.',
  es: 'Hola, tengo un problema con mi cuenta y no puedo acceder a los informes del mes pasado. Gracias por su ayuda.',
  it: 'Ciao, non riesco ad accedere al mio account e vorrei sapere perché il pagamento non è stato registrato. Grazie.',
  ru: 'Здравствуйте! После обновления не работает синхронизация сделок с CRM. Подскажите, пожалуйста, что делать.',
};

describe('detectLanguage', () => {
  for (const [language, text] of Object.entries(samples)) {
    it(`tells ${language}`, () => expect(detectLanguage(text)).toBe(language));
  }

  it('says nothing for text too short to tell', () => {
    expect(detectLanguage('Merci')).toBeNull();
  });

  it('leaves mixed or function-word-poor text to the model', () => {
    expect(byScriptOrWords('Re: facture 2026-11 / invoice 2026-11 — PDF attached, thanks')).toBeNull();
    expect(byScriptOrWords('Hello, the CRM export fails again — экспорт снова не работает')).toBeNull();
  });

  it('agrees with the model wherever it decides alone, on the shared corpus of replies', () => {
    const dir = corpusDir('replies');
    let decided = 0;
    for (const file of readdirSync(dir)) {
      const sample = readFileSync(join(dir, file), 'utf8').slice(0, 500).trim();
      const quick = byScriptOrWords(sample);
      if (!quick) continue;
      decided += 1;
      expect(quick, file).toBe(detect(sample, { only: ['fr', 'en', 'de', 'es', 'it', 'ru'] }));
    }
    expect(decided).toBeGreaterThanOrEqual(15); // the quick path must carry a good share of real mail
  });
});
