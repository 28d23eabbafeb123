/**
 * Precision and recall of the multi-topic detector on the labelled sets in test/fixtures/topics/:
 * the development set it was tuned on, and a held-out set written afterwards.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectMultipleTopics } from '../src/thread/detect-multiple-topics.js';

interface Labelled {
  id: number;
  lang: string;
  multi: boolean;
  subject: string;
  text: string;
}

export function scoreTopics(file: string) {
  const { messages } = JSON.parse(readFileSync(file, 'utf8')) as { messages: Labelled[] };
  let truePositive = 0;
  let falsePositive = 0;
  let falseNegative = 0;
  const wrong: { id: number; lang: string; expected: boolean; topics: string[][] }[] = [];
  for (const message of messages) {
    const result = detectMultipleTopics(message.text);
    if (result.multiTopic && message.multi) truePositive++;
    if (result.multiTopic && !message.multi) falsePositive++;
    if (!result.multiTopic && message.multi) falseNegative++;
    if (result.multiTopic !== message.multi) wrong.push({ id: message.id, lang: message.lang, expected: message.multi, topics: result.topics });
  }
  const precision = truePositive / Math.max(1, truePositive + falsePositive);
  const recall = truePositive / Math.max(1, truePositive + falseNegative);
  return { total: messages.length, truePositive, falsePositive, falseNegative, precision, recall, wrong };
}

if (process.argv[1]?.endsWith('eval-topics.ts')) {
  for (const set of ['multi-topic-labelled.json', 'multi-topic-heldout.json', 'multi-topic-heldout-2.json']) {
    const score = scoreTopics(join(import.meta.dirname, '..', 'test', 'fixtures', 'topics', set));
    for (const miss of score.wrong) console.log(JSON.stringify(miss));
    console.log(`${set}: ${score.total} messages, precision ${score.precision.toFixed(3)}, recall ${score.recall.toFixed(3)} (TP ${score.truePositive}, FP ${score.falsePositive}, FN ${score.falseNegative})`);
  }
}
