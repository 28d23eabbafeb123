/**
 * Sender authentication reads the body only for a DKIM signature: an unsigned message gets the
 * same results from its header block as mailauth gives for the whole message, and a signed one
 * is still verified against its body (a changed body fails).
 */
import { Readable } from 'node:stream';
import { authenticate, dkimSign } from 'mailauth';
import { describe, expect, it } from 'vitest';
import { checkSenderAuth } from '../../../src/policy/check-sender-auth.js';
import { rawMessageOf } from '../../../src/spool/raw-message.js';
import { makeDkimKey } from '../../support/dkim-transport.js';
import { fixedResolver, type DnsRecords } from '../../support/fixed-dns.js';

const dkim = makeDkimKey('signed.test', 'sel');
const records: DnsRecords = {
  ...dkim.record,
  'signed.test': { TXT: ['v=spf1 ip4:192.0.2.10 -all'] },
  '_dmarc.signed.test': { TXT: ['v=DMARC1; p=reject'] },
};
const resolver = fixedResolver(records);
const envelope = { remoteAddress: '192.0.2.99', helo: 'mx.elsewhere.test', mailFrom: 'alice@signed.test', fromAddress: 'alice@signed.test', mta: 'mx.guichet.test', resolver };

function message(body: string, extraHeaders = ''): Buffer {
  return Buffer.from(`${extraHeaders}From: Alice <alice@signed.test>\r\nTo: support@example.org\r\nSubject: Hello\r\nMessage-ID: <m1@signed.test>\r\n\r\n${body}`);
}

async function signed(raw: Buffer): Promise<Buffer> {
  const key = { signingDomain: 'signed.test', selector: 'sel', privateKey: dkim.privateKeyPem };
  // mailauth reads the keys from signatureData (its type declarations name them at the top level).
  const options = { canonicalization: 'relaxed/relaxed', ...key, signatureData: [key] };
  const { signatures } = await dkimSign(raw, options);
  return Buffer.concat([Buffer.from(signatures), raw]);
}

const authOf = (raw: Buffer) => checkSenderAuth({ raw: rawMessageOf('', { raw, raw_path: '' }), ...envelope });

describe('checkSenderAuth', () => {
  it('gives an unsigned message the results mailauth gives for the whole message', async () => {
    const raw = message('Hello,\r\n\r\nmy export is empty.\r\n'.repeat(40));
    const whole = await authenticate(Readable.from([raw]), { ip: envelope.remoteAddress, helo: envelope.helo, sender: envelope.mailFrom, mta: envelope.mta, disableArc: true, disableBimi: true, resolver });
    const auth = await authOf(raw);
    expect(whole.spf && whole.spf.status.result).toBe('fail');
    expect(auth).toMatchObject({ spf: whole.spf && whole.spf.status.result, dkim: whole.dkim.results[0]?.status.result ?? 'none', dmarc: whole.dmarc && whole.dmarc.status.result });
    expect(auth.dmarc).toBe('fail');
  });

  it('verifies a signed message against its body', async () => {
    const raw = await signed(message('Hello,\r\n\r\nmy export is empty.\r\n'));
    // Passing needs the body: its hash is in the signature.
    expect(await authOf(raw)).toMatchObject({ dkim: 'pass', dmarc: 'pass', aligned: true, alignedBy: 'dkim' });
    const tampered = Buffer.from(raw.toString('latin1').replace('is empty', 'is full'), 'latin1');
    // A body hash that does not match is "neutral" in mailauth's words (RFC 6376 6.1.3).
    expect(await authOf(tampered)).toMatchObject({ dkim: 'neutral', dmarc: 'fail', aligned: false });
  });

  it('finds a signature whatever the case of its header name', async () => {
    const raw = await signed(message('Body.\r\n'));
    const lowered = Buffer.from(raw.toString('latin1').replace(/^DKIM-Signature:/m, 'dkim-signature:'), 'latin1');
    expect(lowered.toString('latin1')).toMatch(/^dkim-signature:/);
    expect(await authOf(lowered)).toMatchObject({ dkim: 'pass' });
  });
});
