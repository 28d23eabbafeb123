import { describe, expect, it } from 'vitest';
import { detectAutomatedMessage } from '../../../src/policy/detect-automated-message.js';

const ours = ['support@example.org'];
function check(headers: Record<string, string[]>, extra: { envelopeFrom?: string; sender?: string; contentType?: string } = {}) {
  return detectAutomatedMessage({
    message: { headers, contentType: extra.contentType ?? 'text/plain' },
    envelopeFrom: extra.envelopeFrom ?? 'alice@customer.test',
    sender: extra.sender ?? 'alice@customer.test',
    ourAddresses: ours,
  });
}

describe('detectAutomatedMessage', () => {
  it('allows an ordinary customer mail', () => {
    expect(check({ 'auto-submitted': ['no'] })).toEqual({ action: 'file', autoReply: true });
  });

  it.each([
    [{ 'auto-submitted': ['auto-replied'] }, {}, 'auto_submitted'],
    [{ precedence: ['bulk'] }, {}, 'precedence_bulk'],
    [{ precedence: ['junk'] }, {}, 'precedence_bulk'],
    [{ 'list-id': ['<news.example>'] }, {}, 'mailing_list'],
    [{ 'list-unsubscribe': ['<mailto:u@x>'] }, {}, 'mailing_list'],
    [{}, { contentType: 'multipart/report' }, 'delivery_report'],
    [{}, { envelopeFrom: '' }, 'null_sender'],
    [{}, { sender: 'MAILER-DAEMON@mx.example' }, 'mailer_daemon'],
    [{}, { sender: 'postmaster@mx.example' }, 'mailer_daemon'],
    [{ 'x-loop': ['support@example.org'] }, {}, 'own_loop'],
    [{}, { sender: 'support+3-abc@example.org' }, 'own_mailbox'],
    [{ received: Array.from({ length: 30 }, () => 'from x') }, {}, 'too_many_hops'],
    [{ 'x-auto-response-suppress': ['OOF, AutoReply'] }, {}, 'auto_response_suppressed'],
  ] as const)('%j %j → %s', (headers, extra, reason) => {
    expect(check(headers as Record<string, string[]>, extra)).toMatchObject({ autoReply: false, reason });
  });
});
