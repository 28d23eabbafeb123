/**
 * Sender policy over real SMTP: blocklist variants refused during the conversation (5xx at the
 * right stage, no ticket, no mail out), live edits from the CLI, automated mail filed but never
 * answered, bounces of our mail attached to their ticket, floods rate-limited, and automatic
 * mail only to authenticated senders when required (offline DNS, test DKIM key).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { listDecisions } from '../../src/store/decision-repo.js';
import { listOutbox } from '../../src/store/outbox-repo.js';
import { listSpool } from '../../src/store/spool-repo.js';
import { listTickets } from '../../src/store/ticket-repo.js';
import { ticketDetail } from '../../src/tickets/ticket-view.js';
import { makeDkimKey } from '../support/dkim-transport.js';
import { startGatewayProcess, writeConfig } from '../support/gateway-process.js';
import { SmtpDialog, sendByDialog } from '../support/smtp-dialog.js';
import { waitUntil } from '../support/smtp-sink.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', 'bin', 'guichet.mjs');
const refusal = 'Mail from qq.com is not accepted here; please use https://example.org/contact';
let harness: TestGateway;

/** A refusal is recorded after the reply goes out (the sender is not kept waiting for it). */
async function firstDecision() {
  await waitUntil(async () => (await listDecisions(harness.gateway.db, {})).length > 0, 2000, 'the refusal to be recorded');
  return (await listDecisions(harness.gateway.db, {}))[0];
}

afterEach(async () => harness.stop());

function mail(from: string, subject = 'Hello', extraHeaders = ''): string {
  return `From: ${from}\r\nTo: support@example.org\r\nSubject: ${subject}\r\n${extraHeaders}\r\nBody\r\n`;
}

async function expectNothingFiled(): Promise<void> {
  await harness.settle();
  expect(await listSpool(harness.gateway.db)).toHaveLength(0);
  expect(await listTickets(harness.gateway.db)).toHaveLength(0);
  expect(harness.sink.mails).toHaveLength(0);
}

describe('blocklist', () => {
  const blocklist = { domains: ['qq.com', 'bücher.example'], addresses: ['spammer@example.net'], patterns: ['*.xyz', '/^promo-.*@/'], allow: ['friend@qq.com'], message: refusal };

  it.each([
    ['user@qq.com', 'the domain'],
    ['user@mail.qq.com', 'a subdomain'],
    ['User@QQ.COM', 'upper case'],
    ['x@xn--bcher-kva.example', 'the punycode form of an IDN entry'],
    ['spammer@example.net', 'an exact address'],
    ['anyone@shop.xyz', 'a *.xyz pattern'],
    ['promo-42@legit.test', 'a regex'],
  ])('refuses MAIL FROM:<%s> (%s) with 550 5.7.1 and the configured text', async (sender) => {
    harness = await startTestGateway({ blocklist });
    const replies = await sendByDialog(harness.port, sender, ['support@example.org'], mail(sender));
    expect(replies.mail.text).toBe(`550 5.7.1 ${refusal}`);
    expect(replies.data).toBeNull();
    await expectNothingFiled();
    const decision = await firstDecision();
    expect(decision).toMatchObject({ stage: 'smtp', code: 'POLICY_BLOCKED_SENDER' });
    expect(decision?.detail).toMatch(/^entry \S+ matched MAIL FROM /);
  });

  it('refuses at the end of DATA when only the header From is blocked, display name ignored', async () => {
    harness = await startTestGateway({ blocklist });
    const replies = await sendByDialog(harness.port, 'bounces@relay.test', ['support@example.org'], mail('"Friendly Name" <boss@mail.QQ.com>'));
    expect(replies.mail.code).toBe(250);
    expect(replies.data?.text).toBe(`550 5.7.1 ${refusal}`);
    await expectNothingFiled();
    expect((await firstDecision())?.detail).toBe('entry qq.com matched header From boss@mail.qq.com');
  });

  it('ignores a trailing dot in the header From domain (MAIL FROM with one is a syntax error, 501)', async () => {
    harness = await startTestGateway({ blocklist });
    const replies = await sendByDialog(harness.port, 'bounces@relay.test', ['support@example.org'], mail('user@qq.com.'));
    expect(replies.data?.text).toBe(`550 5.7.1 ${refusal}`);
    await expectNothingFiled();
  });

  it('matches a Unicode domain in a raw UTF-8 header against the same IDN entry', async () => {
    harness = await startTestGateway({ blocklist });
    const replies = await sendByDialog(harness.port, 'bounces@relay.test', ['support@example.org'], Buffer.from(mail('Anna <anna@Bücher.example>'), 'utf8'));
    expect(replies.data?.code).toBe(550);
  });

  it('lets through an allow-listed address and a display name that only mentions a blocked domain', async () => {
    harness = await startTestGateway({ blocklist });
    expect((await sendByDialog(harness.port, 'friend@qq.com', ['support@example.org'], mail('friend@qq.com'))).data?.code).toBe(250);
    expect((await sendByDialog(harness.port, 'a@ok.test', ['support@example.org'], mail('"help@qq.com" <a@ok.test>'))).data?.code).toBe(250);
    await harness.settle();
    expect(await listTickets(harness.gateway.db)).toHaveLength(2);
  });

  it('refuses a config with an invalid entry, naming it', async () => {
    await expect(startTestGateway({ blocklist: { domains: ['not a domain'] } })).rejects.toThrow(/blocklist\.domains\.0: "not a domain" is neither/);
    await expect(startTestGateway({ blocklist: { patterns: ['/(unclosed/'] } })).rejects.toThrow(/blocklist\.patterns\.0: not a valid regular expression/);
    harness = await startTestGateway();
  });
});

/** Only the MAIL FROM answer: probes the policy without filing anything. */
async function mailFromReply(sender: string) {
  const { dialog } = await SmtpDialog.open(harness.port);
  await dialog.command('EHLO probe.test');
  const reply = await dialog.command(`MAIL FROM:<${sender}>`);
  dialog.close();
  return reply;
}

describe('live blocklist edits from the CLI', () => {
  async function guichet(...args: string[]) {
    const configFile = writeConfig(join(harness.dataDir, 'attachments'), { dataDir: harness.dataDir, store: harness.store });
    return run(process.execPath, [bin, ...args, '--config', configFile]).then(
      (result) => ({ ...result, code: 0 }),
      (error: { stdout: string; stderr: string; code: number }) => error,
    );
  }

  it('blocks the next message within a second of `blocklist add`, and `remove` unblocks it', async () => {
    harness = await startTestGateway();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(harness.dataDir, 'attachments'), { recursive: true });
    expect((await sendByDialog(harness.port, 'a@spam.test', ['support@example.org'], mail('a@spam.test'))).data?.code).toBe(250);

    const added = await guichet('blocklist', 'add', 'SPAM.test.', '--json');
    expect(JSON.parse(added.stdout)).toEqual({ list: 'block', action: 'add', entry: 'spam.test', added: true });
    const addedAt = Date.now();
    await waitUntil(async () => (await mailFromReply('b@spam.test')).code === 550, 2000, 'the block');
    expect(Date.now() - addedAt).toBeLessThan(1000);
    expect((await sendByDialog(harness.port, 'b@spam.test', ['support@example.org'], mail('b@spam.test'))).mail.text).toMatch(/^550 5\.7\.1 /);
    const listed = JSON.parse((await guichet('blocklist', 'list', '--json')).stdout);
    expect(listed).toEqual([{ list: 'block', entry: 'spam.test', kind: 'domain', source: 'stored' }]);

    await guichet('blocklist', 'remove', 'spam.test');
    await waitUntil(async () => (await mailFromReply('c@spam.test')).code === 250, 2000, 'the unblock');
    expect((await sendByDialog(harness.port, 'c@spam.test', ['support@example.org'], mail('c@spam.test'))).data?.code).toBe(250);
    await harness.settle();
    expect((await listTickets(harness.gateway.db)).map((ticket) => ticket.requester)).toEqual(['a@spam.test', 'c@spam.test']);
  });

  it('refuses an invalid entry with the reason', async () => {
    harness = await startTestGateway();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(harness.dataDir, 'attachments'), { recursive: true });
    const result = await guichet('blocklist', 'add', 'com');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('bare top-level name; write *.com');
  });
});

describe('live blocklist edits in the config file', () => {
  it('applies an edited blocklist.domains to the running server, and keeps it through an invalid edit', async () => {
    harness = await startTestGateway(); // only for afterEach; the server under test is a real `guichet serve`
    const dir = mkdtempSync(join(tmpdir(), 'guichet-live-'));
    const config = { dataDir: 'data', store: harness.store, smtp: { port: 0 }, logLevel: 'warn', secret: 'live-config-secret-0123456' };
    const configFile = writeConfig(dir, config);
    const server = await startGatewayProcess(configFile);
    const probe = async (sender: string) => {
      const { dialog } = await SmtpDialog.open(server.port);
      await dialog.command('EHLO probe.test');
      const reply = await dialog.command(`MAIL FROM:<${sender}>`);
      dialog.close();
      return reply.code;
    };
    try {
      expect(await probe('a@edited.test')).toBe(250);
      writeConfig(dir, { ...config, blocklist: { domains: ['edited.test'] } });
      const editedAt = Date.now();
      await waitUntil(async () => (await probe('a@edited.test')) === 550, 3000, 'the edited blocklist');
      expect(Date.now() - editedAt).toBeLessThan(1500);
      writeFileSync(configFile, '{ "blocklist": { "domains": ["not a domain"] } }');
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(await probe('a@edited.test')).toBe(550);
    } finally {
      await server.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('automated mail is filed but never answered', () => {
  const cases: [string, string, string][] = [
    ['auto-reply', 'ooo@customer.test', 'Auto-Submitted: auto-replied\r\n'],
    ['bulk', 'news@customer.test', 'Precedence: bulk\r\n'],
    ['list', 'list@customer.test', 'List-Id: <users.lists.example>\r\n'],
    ['unsubscribe', 'promo@customer.test', 'List-Unsubscribe: <mailto:u@x.test>\r\n'],
    ['our loop', 'robot@customer.test', 'X-Loop: support@example.org\r\n'],
    ['hops', 'far@customer.test', 'Received: from x\r\n'.repeat(30)],
    ['own mailbox', 'billing@example.org', ''],
    ['own domain', 'someone@example.org', ''],
    ['exchange', 'oof@customer.test', 'X-Auto-Response-Suppress: OOF\r\n'],
  ];

  it('files each case and sends zero automatic mails', async () => {
    harness = await startTestGateway();
    for (const [name, from, headers] of cases) {
      const replies = await sendByDialog(harness.port, from, ['support@example.org'], mail(from, name, headers));
      expect(replies.data?.code, name).toBe(250);
    }
    for (const from of ['', 'MAILER-DAEMON@mx.customer.test']) {
      await sendByDialog(harness.port, from, ['support@example.org'], mail('mailer-daemon@mx.customer.test', 'Undelivered Mail Returned to Sender'));
    }
    await harness.settle();
    expect(await listTickets(harness.gateway.db)).toHaveLength(cases.length + 2);
    const suppressed = (await listDecisions(harness.gateway.db, {})).filter((decision) => decision.code === 'ACK_SUPPRESSED');
    expect(suppressed).toHaveLength(cases.length + 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(harness.sink.mails).toHaveLength(0);
    expect(await listOutbox(harness.gateway.db)).toHaveLength(0);
  });

  it('attaches a bounce of our mail to its ticket and marks that mail failed', async () => {
    harness = await startTestGateway();
    await harness.send({ from: 'alice@customer.test', subject: 'Receipt', text: 'Where?' });
    const [ack] = await harness.sink.waitForMails(1);
    const ourId = ack!.parsed.messageId!;
    const dsn = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.customer.test>',
      'To: support@example.org',
      'Subject: Undelivered Mail Returned to Sender',
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="R"',
      '',
      '--R',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--R',
      'Content-Type: message/delivery-status',
      '',
      'Final-Recipient: rfc822; alice@customer.test',
      'Action: failed',
      'Status: 5.1.1',
      '--R',
      'Content-Type: text/rfc822-headers',
      '',
      'From: Support <support@example.org>',
      'Subject: [#1] Receipt',
      `Message-ID: ${ourId}`,
      '--R--',
      '',
    ].join('\r\n');
    await sendByDialog(harness.port, '', ['support@example.org'], dsn);
    await harness.settle();
    expect(await listTickets(harness.gateway.db)).toHaveLength(1);
    const ticket = await ticketDetail(harness.gateway.db, 1);
    expect(ticket?.status).toBe('new');
    expect(ticket?.messages.map((message) => message.direction)).toEqual(['in', 'out', 'in']);
    expect(ticket?.messages[1]?.flags).toContain('bounced');
    expect(ticket?.decisions.map((decision) => decision.code)).toEqual(expect.arrayContaining(['THREAD_BOUNCE', 'NOTIFY_BOUNCED']));
    const [outgoing] = await listOutbox(harness.gateway.db);
    expect(outgoing).toMatchObject({ state: 'failed', last_error: 'bounced: Undelivered Mail Returned to Sender' });
    expect(harness.sink.mails).toHaveLength(1);
  });
});

describe('floods', () => {
  it('sends at most autoReply.maxPerSender automatic mails for 200 messages from one sender, and holds tickets past the limit', async () => {
    harness = await startTestGateway({ autoReply: { maxPerSender: 5, periodMinutes: 60 }, limits: { newTicketsPerSenderPerHour: 50 } });
    const { dialog } = await SmtpDialog.open(harness.port);
    await dialog.command('EHLO flood.test');
    for (let index = 0; index < 200; index++) {
      await dialog.command('MAIL FROM:<flood@customer.test>');
      await dialog.command('RCPT TO:<support@example.org>');
      expect((await dialog.data(mail('flood@customer.test', `Spam ${index}`))).code).toBe(250);
    }
    dialog.close();
    await harness.settle(30_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(harness.sink.mails).toHaveLength(5);
    expect(await listTickets(harness.gateway.db)).toHaveLength(50);
    const held = await listSpool(harness.gateway.db, { state: 'held' });
    expect(held).toHaveLength(150);
    expect(held[0]).toMatchObject({ reason: 'RATE_LIMIT_NEW_TICKETS' });
    const decisions = await listDecisions(harness.gateway.db, {});
    expect(decisions.filter((decision) => decision.detail?.startsWith('rate_limited'))).toHaveLength(45);

    const configFile = writeConfig(join(harness.dataDir, 'spool'), { dataDir: harness.dataDir, store: harness.store });
    const released = await run(process.execPath, [bin, 'spool', 'release', held[0]!.id, '--config', configFile]);
    expect(released.stdout).toContain(`released ${held[0]!.id}`);
    await harness.settle();
    expect(await listTickets(harness.gateway.db)).toHaveLength(51);
    expect((await listSpool(harness.gateway.db)).find((entry) => entry.id === held[0]!.id)?.state).toBe('filed');
  }, 60_000);
});

describe('authenticated senders', () => {
  const dkim = makeDkimKey('signed.test', 'sel');
  const dns = {
    ...dkim.record,
    'spf.test': { TXT: ['v=spf1 ip4:127.0.0.1 -all'] },
    'forged.test': { TXT: ['v=spf1 ip4:192.0.2.1 -all'] },
  };

  it('acknowledges only senders whose SPF or DKIM passes in alignment, and records the result', async () => {
    harness = await startTestGateway({ autoReply: { requireAuthenticatedSender: true } }, { dns });
    const signer = dkim.transport(harness.port);
    await signer.sendMail({ from: 'alice@signed.test', to: 'support@example.org', subject: 'Signed', text: 'DKIM signed' });
    signer.close();
    await harness.send({ from: 'bob@spf.test', subject: 'SPF', text: 'from an SPF-authorised IP' });
    await harness.send({ from: 'eve@forged.test', subject: 'Forged', text: 'spam text' });
    await harness.send({ from: 'nobody@unknown.test', subject: 'Unknown', text: 'no records' });
    await harness.settle();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(harness.sink.mails.map((caught) => caught.envelopeTo[0]).sort()).toEqual(['alice@signed.test', 'bob@spf.test']);
    const auth = await harness.gateway.db.selectFrom('messages').select(['from_address', 'auth_json']).where('direction', '=', 'in').orderBy('id').execute();
    expect(auth.map((row) => [row.from_address, JSON.parse(row.auth_json!).alignedBy])).toEqual([
      ['alice@signed.test', 'dkim'],
      ['bob@spf.test', 'spf'],
      ['eve@forged.test', null],
      ['nobody@unknown.test', null],
    ]);
    const reasons = (await listDecisions(harness.gateway.db, {})).filter((decision) => decision.code === 'ACK_SUPPRESSED').map((decision) => decision.detail);
    expect(reasons).toEqual([expect.stringMatching(/^unauthenticated_sender: spf=fail/), expect.stringMatching(/^unauthenticated_sender: spf=none/)]);
  });
});
