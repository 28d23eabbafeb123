/**
 * Every message of the shared corpus (odd, broken and ordinary MIME from the CPython email test
 * data) is received over SMTP without a crash and ends up filed as a ticket or quarantined with
 * a reason; none stays pending. Each is sent with the envelope sender a real MTA would use: the
 * From address when the header has one, else the null sender (as bounces arrive).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listSpool } from '../../src/store/spool-repo.js';
import { corpusDir } from '../support/corpus.js';
import { sendByDialog } from '../support/smtp-dialog.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const mimeDir = corpusDir('mime');
const files = readdirSync(mimeDir).filter((name) => name.endsWith('.eml')).sort();

/** The top-level From address, read independently of the code under test. */
function headerFromAddress(raw: string): string {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const from = /^From:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(head)?.[1] ?? '';
  return /[\w.+-]+@[\w.-]+\.\w+/.exec(from)?.[0]?.toLowerCase() ?? '';
}

let harness: TestGateway;
const spoolIdByFile = new Map<string, string>();

beforeAll(async () => {
  harness = await startTestGateway();
  for (const file of files) {
    const raw = readFileSync(join(mimeDir, file), 'latin1');
    const replies = await sendByDialog(harness.port, headerFromAddress(raw), ['support@example.org'], raw);
    expect(replies.data?.code, file).toBe(250);
    spoolIdByFile.set(file, /queued as (\S+)/.exec(replies.data?.text ?? '')?.[1] ?? '');
  }
  await harness.settle(20_000);
}, 60_000);
afterAll(async () => harness.stop());

describe('shared corpus', () => {
  it('has messages to test', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
  });

  it.each(files)('%s is filed, or quarantined with a reason', async (file) => {
    const raw = readFileSync(join(mimeDir, file), 'latin1');
    const entry = (await listSpool(harness.gateway.db)).find((row) => row.id === spoolIdByFile.get(file));
    expect(entry, file).toBeDefined();
    if (headerFromAddress(raw)) {
      expect(entry?.state).toBe('filed');
      expect(entry?.ticket_id).toBeGreaterThan(0);
    } else {
      expect(entry?.state).toBe('quarantined');
      expect(entry?.reason).toBe('PARSE_NO_SENDER');
    }
  });

  it('files the delivery report from MAILER-DAEMON (msg_25) without acknowledging it', async () => {
    const spoolId = spoolIdByFile.get('msg_25.eml');
    const decisions = await harness.gateway.db.selectFrom('decisions').select(['code', 'detail']).where('spool_id', '=', spoolId!).execute();
    expect(decisions.map((row) => row.code)).toContain('ACK_SUPPRESSED');
    expect(decisions.map((row) => row.code)).not.toContain('ACK_QUEUED');
    const acked = new Set(harness.sink.mails.flatMap((mail) => mail.envelopeTo));
    expect(acked.has('mailer-daemon@zinfandel.lacita.com')).toBe(false);
    expect(acked.has('bbb@ddd.com')).toBe(true); // ordinary senders of the corpus do get one
  });
});
