import { describe, expect, it } from 'vitest';
import { resolveRecipient } from '../../../src/smtp/resolve-recipient.js';

const mailboxes = ['support@example.org', 'billing@example.org'];

describe('resolveRecipient', () => {
  it.each([
    ['support@example.org', { mailbox: 'support@example.org', token: null }],
    ['Support@Example.ORG', { mailbox: 'support@example.org', token: null }],
    ['support@example.org.', { mailbox: 'support@example.org', token: null }],
    ['support+12-abc@example.org', { mailbox: 'support@example.org', token: '12-abc' }],
    ['support+@example.org', { mailbox: 'support@example.org', token: null }],
    ['sales@example.org', null],
    ['support@example.com', null],
    ['not-an-address', null],
  ])('%s', (address, expected) => {
    expect(resolveRecipient(address, mailboxes)).toEqual(expected);
  });
});
