/**
 * The `guichet` command as users and outside checks call it: a separate process reading the
 * store of a gateway, with the --json shapes that are part of the stable interface.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendByDialog } from '../support/smtp-dialog.js';
import { copyTemplates } from '../support/copy-templates.js';
import { writeConfig } from '../support/gateway-process.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', 'bin', 'guichet.mjs');
let harness: TestGateway;
let configFile: string;

async function guichet(...args: string[]): Promise<{ stdout: string; code: number; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args, '--config', configFile]);
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

beforeAll(async () => {
  harness = await startTestGateway();
  configFile = writeConfig(harness.dataDir, { dataDir: harness.dataDir, store: harness.store });
  await harness.send({ from: 'Alice <alice@customer.test>', subject: 'First', text: 'one' });
  await harness.sink.waitForMails(1);
  await harness.send({ from: 'bob@customer.test', subject: 'Second', text: 'two' });
  await sendByDialog(harness.port, '', ['support@example.org'], 'Subject: nobody\r\n\r\nx\r\n');
  await harness.settle();
});
afterAll(async () => harness.stop());

describe('guichet CLI', () => {
  it('lists tickets oldest first as JSON, without messages', async () => {
    const { stdout, code } = await guichet('tickets', '--json');
    expect(code).toBe(0);
    const tickets = JSON.parse(stdout) as Record<string, unknown>[];
    expect(tickets.map((ticket) => ticket.subject)).toEqual(['First', 'Second']);
    expect(Object.keys(tickets[0]!)).toEqual(expect.arrayContaining(['id', 'subject', 'status', 'requester', 'createdAt', 'updatedAt']));
    expect(tickets[0]).not.toHaveProperty('messages');
  });

  it('filters by status and refuses an unknown status word', async () => {
    expect(JSON.parse((await guichet('tickets', '--status', 'new', '--json')).stdout)).toHaveLength(2);
    expect(JSON.parse((await guichet('tickets', '--status', 'closed', '--json')).stdout)).toHaveLength(0);
    const bad = await guichet('tickets', '--status', 'open');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown status "open"');
  });

  it('shows one ticket with its messages in both directions', async () => {
    const { stdout } = await guichet('ticket', 'show', '1', '--json');
    const ticket = JSON.parse(stdout) as { messages: Record<string, unknown>[] } & Record<string, unknown>;
    expect(ticket).toMatchObject({ id: 1, subject: 'First', status: 'new', requester: 'alice@customer.test' });
    expect(ticket.messages.map((message) => message.direction)).toEqual(['in', 'out']);
    for (const message of ticket.messages) {
      expect(Object.keys(message)).toEqual(expect.arrayContaining(['direction', 'from', 'to', 'subject', 'text', 'messageId', 'createdAt']));
    }
    expect(ticket.messages[1]).toMatchObject({ from: 'support@example.org', subject: '[#1] First' });
  });

  it('says so when a ticket does not exist', async () => {
    const { code, stderr } = await guichet('ticket', 'show', '99');
    expect(code).toBe(3);
    expect(stderr).toContain('no ticket #99');
  });

  it('lists spool entries with quarantined ones and their reason', async () => {
    const { stdout } = await guichet('spool', 'list', '--json');
    const entries = JSON.parse(stdout) as { state: string; reason: string | null }[];
    expect(entries).toHaveLength(3);
    expect(entries.filter((entry) => entry.state === 'quarantined')).toEqual([expect.objectContaining({ reason: 'PARSE_NO_SENDER' })]);
    const human = await guichet('spool', 'list');
    expect(human.stdout).toMatch(/quarantined\s+.*PARSE_NO_SENDER/);
  });

  it('stops with a message naming an unknown config key', async () => {
    const badConfig = writeConfig(mkdtempSync(join(tmpdir(), 'guichet-cfg-')), { dataDir: harness.dataDir, store: harness.store, smtp: { prot: 25 } });
    const result = await run(process.execPath, [bin, 'tickets', '--config', badConfig]).catch((error: { stderr: string; code: number }) => error);
    expect((result as { code: number }).code).toBe(1);
    expect((result as { stderr: string }).stderr).toContain('unknown key smtp.prot');
  });
});

describe('guichet ticket status|assign|note', () => {
  it('changes the status, refuses an unknown one, and records who did it', async () => {
    const done = await guichet('ticket', 'status', '2', 'in_progress', '--json');
    expect(JSON.parse(done.stdout)).toMatchObject({ id: 2, status: 'in_progress' });
    const bad = await guichet('ticket', 'status', '2', 'open');
    expect(bad.code).toBe(2);
    const ticket = JSON.parse((await guichet('ticket', 'show', '2', '--json')).stdout) as { decisions: { code: string; detail: string }[] };
    expect(ticket.decisions.find((decision) => decision.code === 'STATUS_SET')?.detail).toMatch(/^new → in_progress by cli:/);
  });

  it('adds an internal note and refuses to assign an unknown agent', async () => {
    await guichet('ticket', 'note', '1', 'Called', 'the', 'customer');
    const ticket = JSON.parse((await guichet('ticket', 'show', '1', '--json')).stdout) as { messages: { text: string; internal: boolean }[] };
    expect(ticket.messages.at(-1)).toMatchObject({ text: 'Called the customer', internal: true });
    const bad = await guichet('ticket', 'assign', '1', 'zoe');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no agent "zoe"');
  });
});

describe('guichet templates', () => {
  it('checks the shipped templates, and fails on a broken one naming the file', async () => {
    const good = await guichet('templates', 'check');
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/events × 3 locales checked: 0 error\(s\)/);
    const dir = copyTemplates();
    writeFileSync(join(dir, 'fr', 'reminder.text.hbs'), 'Bonjour {{#if customer.name}}');
    writeFileSync(join(dir, 'en', 'closed.subject.hbs'), '[#{{ticket.idd}}]');
    const brokenConfig = writeConfig(mkdtempSync(join(tmpdir(), 'guichet-cfg-')), { dataDir: harness.dataDir, store: harness.store, templatesDir: dir });
    const result = await run(process.execPath, [bin, 'templates', 'check', '--config', brokenConfig]).catch((error: { stdout: string; code: number }) => error);
    expect((result as { code: number }).code).toBe(1);
    expect((result as { stdout: string }).stdout).toContain('error: fr/reminder.text.hbs: template fr/reminder.text.hbs does not compile');
    expect((result as { stdout: string }).stdout).toContain('error: en/closed.subject.hbs: uses {{ticket.idd}}');
  });

  it('lists events and previews one in a locale', async () => {
    const list = JSON.parse((await guichet('templates', 'list', '--json')).stdout) as { event: string; locales: string }[];
    expect(list.find((row) => row.event === 'ack-new-ticket')?.locales).toBe('en,fr,ru');
    const preview = await guichet('templates', 'preview', 'reminder', '--locale', 'fr');
    expect(preview.stdout).toContain('Subject: [#42] En attente de votre réponse : Export des dons');
  });
});
