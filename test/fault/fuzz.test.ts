/**
 * Bounded fuzzing in CI: mutated corpus messages over real SMTP. Whatever the input, the
 * listener answers, every accepted message ends filed or quarantined (none stuck pending), and
 * the gateway still serves afterwards. A longer run: `npm run fuzz -- --count 5000 --seed 7`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listSpool } from '../../src/store/spool-repo.js';
import { mutateMessage, seededRandom } from '../support/mutate-message.js';
import { corpusDir } from '../support/corpus.js';
import { SmtpDialog } from '../support/smtp-dialog.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const corpus = corpusDir('mime');
const messages = readdirSync(corpus).map((name) => readFileSync(join(corpus, name)));
let harness: TestGateway;

beforeAll(async () => {
  harness = await startTestGateway({ limits: { newTicketsPerSenderPerHour: 1_000_000 } }); // every message through filing, not held
});
afterAll(async () => harness.stop());

it('files or quarantines 240 mutated messages without a crash or a stuck entry', async () => {
  const random = seededRandom(20261124);
  const { dialog } = await SmtpDialog.open(harness.port);
  await dialog.command('EHLO fuzz.test');
  let accepted = 0;
  for (let index = 0; index < 240; index++) {
    const raw = mutateMessage(messages[index % messages.length]!, random);
    expect((await dialog.command(`MAIL FROM:<fuzz${index}@fuzz.test>`)).code).toBe(250);
    expect((await dialog.command('RCPT TO:<support@example.org>')).code).toBe(250);
    const reply = await dialog.data(raw);
    expect([250, 552, 554]).toContain(reply.code);
    if (reply.code === 250) accepted++;
  }
  dialog.close();
  await harness.settle(60_000);
  const entries = await listSpool(harness.gateway.db);
  expect(entries).toHaveLength(accepted);
  expect(entries.filter((entry) => entry.state === 'pending')).toHaveLength(0);
  expect(entries.filter((entry) => entry.state === 'filed').length).toBeGreaterThan(accepted / 2);
  for (const entry of entries.filter((row) => row.state === 'quarantined')) expect(entry.reason).toMatch(/^[A-Z_]+$/);
  const after = await harness.send({ from: 'ok@customer.test', subject: 'still there?', text: 'yes' });
  expect(after.response).toMatch(/^250 /);
}, 120_000);
