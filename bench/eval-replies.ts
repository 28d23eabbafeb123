/**
 * Accuracy of reply stripping on test/corpus/replies against test/fixtures/replies/labels.json:
 * a reply counts as right when its extracted new part keeps every labelled phrase of the new
 * text and none of the quoted or signature phrases. Prints the failures and the figure.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractNewPart } from '../src/parse/extract-new-part.js';
import { corpusDir } from '../test/support/corpus.js';

export interface ReplyScore {
  total: number;
  right: number;
  failures: { file: string; missing: string[]; leaked: string[] }[];
}

export function scoreReplies(repliesDir: string, labelsFile: string): ReplyScore {
  const { labels } = JSON.parse(readFileSync(labelsFile, 'utf8')) as { labels: Record<string, { keep: string[]; drop: string[] }> };
  const failures: ReplyScore['failures'] = [];
  for (const [file, label] of Object.entries(labels)) {
    const part = extractNewPart(readFileSync(join(repliesDir, file), 'utf8'), null);
    const missing = label.keep.filter((phrase) => !part.includes(phrase));
    const leaked = label.drop.filter((phrase) => part.includes(phrase));
    if (missing.length > 0 || leaked.length > 0) failures.push({ file, missing, leaked });
  }
  const total = Object.keys(labels).length;
  return { total, right: total - failures.length, failures };
}

if (process.argv[1]?.endsWith('eval-replies.ts')) {
  const root = join(import.meta.dirname, '..');
  const score = scoreReplies(corpusDir('replies'), join(root, 'test', 'fixtures', 'replies', 'labels.json'));
  for (const failure of score.failures) console.log(`${failure.file}: missing ${JSON.stringify(failure.missing)} leaked ${JSON.stringify(failure.leaked)}`);
  console.log(`reply stripping: ${score.right}/${score.total} right (${((100 * score.right) / score.total).toFixed(1)} %)`);
}
