/** A rendered outgoing mail for tests that drive the outbox or a mailer directly. */
import type { OutgoingMail } from '../../src/notify/outgoing-mail.js';

export function outgoingTestMail(subject: string, text = subject): OutgoingMail {
  return {
    from: { name: 'Support', address: 'support@example.org' },
    to: ['alice@customer.test'],
    cc: [],
    replyTo: 'support@example.org',
    subject,
    text,
    html: `<p>${text.slice(0, 100)}</p>`,
    messageId: `<${subject.replace(/\W/g, '')}@example.org>`,
    inReplyTo: null,
    references: [],
    headers: {},
    envelope: { from: '', to: ['alice@customer.test'] },
  };
}
