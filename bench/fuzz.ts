/**
 * Long fuzzing run on demand (CI runs a bounded one in test/fault/fuzz.test.ts): mutated corpus
 * messages over real SMTP to an in-process gateway; fails if any accepted message is left
 * pending or the gateway stops answering. Seeded, so a failure can be replayed.
 *
 *   npm run fuzz -- --count 5000 --seed 7
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { listSpool } from '../src/store/spool-repo.js';
import { mutateMessage, seededRandom } from '../test/support/mutate-message.js';
import { corpusDir } from '../test/support/corpus.js';
import { SmtpDialog } from '../test/support/smtp-dialog.js';
import { startTestGateway } from '../test/support/test-gateway.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '2000' }, seed: { type: 'string', default: '1' } } });
const corpus = corpusDir('mime');
const messages = readdirSync(corpus).map((name) => readFileSync(join(corpus, name)));
const random = seededRandom(Number(values.seed));
const harness = await startTestGateway({ limits: { newTicketsPerSenderPerHour: 1_000_000 } }); // every message through filing, not held
const replies = new Map<number, number>();
let { dialog } = await SmtpDialog.open(harness.port);
await dialog.command('EHLO fuzz.test');
for (let index = 0; index < Number(values.count); index++) {
  const raw = mutateMessage(messages[index % messages.length]!, random);
  await dialog.command(`MAIL FROM:<fuzz${index}@fuzz.test>`);
  await dialog.command('RCPT TO:<support@example.org>');
  const reply = await dialog.data(raw);
  replies.set(reply.code, (replies.get(reply.code) ?? 0) + 1);
  if (reply.code === 0 || reply.code === 421) {
    ({ dialog } = await SmtpDialog.open(harness.port));
    await dialog.command('EHLO fuzz.test');
  }
}
dialog.close();
await harness.settle(600_000);
const entries = await listSpool(harness.gateway.db);
const states = Object.fromEntries(['filed', 'quarantined', 'pending', 'held'].map((state) => [state, entries.filter((entry) => entry.state === state).length]));
const alive = (await harness.send({ from: 'ok@fuzz.test', subject: 'alive?', text: 'x' })).response.startsWith('250');
console.log(JSON.stringify({ sent: Number(values.count), seed: Number(values.seed), replies: Object.fromEntries(replies), spool: states, stillServing: alive }));
await harness.stop();
process.exitCode = states.pending === 0 && alive ? 0 : 1;
