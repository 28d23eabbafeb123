/**
 * Where filing time goes: runs each pipeline stage alone over the same messages (a 2 KB text
 * reply and a 50 KB HTML multipart, read from memory as the gateway reads messages kept in their
 * spool row) and prints the mean time per message. In-process, one core.
 *
 *   node bin/run-ts.mjs bench/stage-costs.ts
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawMessageOf } from '../src/spool/raw-message.js';
import { parseMessage } from '../src/parse/parse-message.js';
import { extractNewPart } from '../src/parse/extract-new-part.js';
import { detectLanguage } from '../src/parse/detect-language.js';
import { checkSenderAuth } from '../src/policy/check-sender-auth.js';
import { cachingResolver } from '../src/policy/caching-resolver.js';
import { detectMultipleTopics } from '../src/thread/detect-multiple-topics.js';

const dir = mkdtempSync(join(tmpdir(), 'guichet-stages-'));
const text = `From: a@bench.test\r\nTo: support@example.org\r\nSubject: Question\r\nMessage-ID: <x@bench.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${'I have a question about my account and the export of donations. '.repeat(28)}\r\n\r\nOn Mon, 3 Nov 2026, Support wrote:\r\n> old\r\n`;
const html = `From: a@bench.test\r\nTo: support@example.org\r\nSubject: Question\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="a"\r\n\r\n--a\r\nContent-Type: text/plain\r\n\r\nHello\r\n--a\r\nContent-Type: text/html\r\n\r\n<html><body>${'<p>Bonjour, voici le détail de notre demande concernant la campagne de dons.</p>\n'.repeat(500)}</body></html>\r\n--a--\r\n`;
const resolver = cachingResolver(async () => {
  throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
});

/** Runs of each stage, after as many unmeasured ones so that V8 has compiled the hot code. */
const RUNS = 2000;

async function time(label: string, runs: number, work: () => unknown): Promise<void> {
  for (let index = 0; index < runs; index++) await work();
  const start = performance.now();
  for (let index = 0; index < runs; index++) await work();
  console.log(`${label.padEnd(40)} ${((performance.now() - start) / runs).toFixed(2)} ms`);
}

for (const [name, message] of [['2 KB text', text], ['50 KB HTML multipart', html]] as const) {
  // Both are under the spool row's size, so the gateway reads them from memory, not from a file.
  const raw = rawMessageOf(dir, { raw: Buffer.from(message), raw_path: '' });
  const parsed = await parseMessage(raw, dir);
  console.log(`-- ${name}`);
  await time('parse (mailparser, streaming)', RUNS, () => parseMessage(raw, dir));
  await time('sender authentication (mailauth)', RUNS, () => checkSenderAuth({ raw, remoteAddress: '127.0.0.1', helo: 'bench.test', mailFrom: 'a@bench.test', fromAddress: 'a@bench.test', mta: 'localhost', resolver }));
  await time('new part (email-reply-parser + cuts)', RUNS, () => extractNewPart(parsed.text, parsed.html));
  await time('language (function words, tinyld)', RUNS, () => detectLanguage(parsed.text));
  await time('multi-topic detection', RUNS, () => detectMultipleTopics(parsed.text));
}
