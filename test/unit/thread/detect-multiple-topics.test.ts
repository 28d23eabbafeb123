/**
 * The multi-topic detector against the labelled sets in test/fixtures/topics/ (French, English,
 * a few Russian). False alarms matter most (a customer with one question told to split it), so
 * precision has the stricter floor. The figures are printed by `npm run eval`.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scoreTopics } from '../../../bench/eval-topics.js';
import { detectMultipleTopics } from '../../../src/thread/detect-multiple-topics.js';

const sets = join(import.meta.dirname, '..', '..', 'fixtures', 'topics');

describe('detectMultipleTopics', () => {
  it.each(['multi-topic-labelled.json', 'multi-topic-heldout.json', 'multi-topic-heldout-2.json'])('%s: precision ≥ 0.95, recall ≥ 0.85', (set) => {
    const score = scoreTopics(join(sets, set));
    expect(score.total).toBeGreaterThanOrEqual(12);
    expect(score.precision).toBeGreaterThanOrEqual(0.95);
    expect(score.recall).toBeGreaterThanOrEqual(0.85);
  });

  it('has at least 40 labelled messages in French and English together', () => {
    const score = scoreTopics(join(sets, 'multi-topic-labelled.json'));
    expect(score.total).toBeGreaterThanOrEqual(40);
  });

  it('finds two requests on distinct subjects, and one request asked twice', () => {
    expect(detectMultipleTopics('Hello,\n\nThe export of donations fails with an error.\n\nAlso, can you change our billing address?').multiTopic).toBe(true);
    expect(detectMultipleTopics('Hello,\n\nHow do I export donations? Can I export donations as CSV?\n\nThanks').multiTopic).toBe(false);
    expect(detectMultipleTopics('').multiTopic).toBe(false);
  });
});
