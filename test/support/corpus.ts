/**
 * Where the real-world test corpus is: `test/corpus/` (messages from CPython's email tests and
 * replies from email-reply-parser's fixtures, with their licences in its README), kept in the
 * repository so that a clone anywhere runs the corpus suites.
 */
import { join } from 'node:path';

export function corpusDir(part: 'mime' | 'replies'): string {
  return join(import.meta.dirname, '..', 'corpus', part);
}
