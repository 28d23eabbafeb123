import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { FileMailer } from '../../../src/notify/file-mailer.js';
import { MailerError } from '../../../src/notify/mailer.js';
import { outgoingTestMail } from '../../support/outgoing-test-mail.js';

/** Small mails are written with synchronous calls, large ones (past 256 KB) through the thread pool. */
const SIZES = [
  ['a small mail', 2_000],
  ['a mail past the size written inline', 400_000],
] as const;

describe('FileMailer', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  // Either way: one whole file under its final name, no temporary file left.
  it.each(SIZES)('writes %s whole, envelope first, under its final name', async (_label, size) => {
    dir = mkdtempSync(join(tmpdir(), 'guichet-file-mailer-'));
    const mailer = new FileMailer(join(dir, 'outbox'));
    const text = 'Votre demande a bien été reçue. '.repeat(Math.ceil(size / 32)).slice(0, size);
    await mailer.send(outgoingTestMail('[#7] Reçu fiscal', text), 42);
    mailer.close();
    expect(readdirSync(join(dir, 'outbox'))).toEqual(['00000042.eml']);
    const raw = readFileSync(join(dir, 'outbox', '00000042.eml'));
    expect(raw.toString('latin1')).toMatch(/^X-Guichet-Envelope-From: <>\r\nX-Guichet-Envelope-To: <alice@customer.test>\r\n/);
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe('[#7] Reçu fiscal');
    expect(parsed.text?.trimEnd()).toBe(text.trimEnd());
  });

  it.each(SIZES)('reports a temporary failure when the outbox cannot be written (%s)', async (_label, size) => {
    dir = mkdtempSync(join(tmpdir(), 'guichet-file-mailer-'));
    const mailer = new FileMailer(join(dir, 'outbox'));
    rmSync(join(dir, 'outbox'), { recursive: true });
    const failure = await mailer.send(outgoingTestMail('Hello', 'x'.repeat(size)), 1).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MailerError);
    expect((failure as MailerError).permanent).toBe(false);
    expect((failure as MailerError).message).toContain('cannot write to');
  });

  // /dev/full takes the open and refuses every write with ENOSPC, as a full disk would midway.
  it.runIf(existsSync('/dev/full')).each(SIZES)('removes what a write cut short by a full disk left, and writes the mail on the retry (%s)', async (_label, size) => {
    dir = mkdtempSync(join(tmpdir(), 'guichet-file-mailer-'));
    const mailer = new FileMailer(join(dir, 'outbox'));
    const temporary = join(dir, 'outbox', '.00000009.eml.tmp');
    symlinkSync('/dev/full', temporary);
    const mail = outgoingTestMail('Hello', 'x'.repeat(size));
    const failure = await mailer.send(mail, 9).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MailerError);
    expect((failure as MailerError).permanent).toBe(false);
    expect((failure as MailerError).message).toMatch(/ENOSPC/);
    expect(readdirSync(join(dir, 'outbox'))).toEqual([]);
    await mailer.send(mail, 9);
    mailer.close();
    expect(readdirSync(join(dir, 'outbox'))).toEqual(['00000009.eml']);
  });
});
