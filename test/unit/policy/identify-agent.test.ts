import { describe, expect, it } from 'vitest';
import type { SenderAuth } from '../../../src/policy/check-sender-auth.js';
import { identifyAgent } from '../../../src/policy/identify-agent.js';
import { agentKeyOf, makeReplyToken } from '../../../src/thread/reply-token.js';

const secret = 'unit-secret-0123456789';
const alice = { address: 'alice@agents.test', name: 'Alice', queues: [], customers: [] };
const agents = [alice];
const noAuth: SenderAuth = { spf: 'none', dkim: 'none', dmarc: 'none', fromDomain: 'agents.test', aligned: false, alignedBy: null };
const aliceToken = `support+${makeReplyToken(secret, { ticketId: 4, agentKey: agentKeyOf(alice.address) })}@example.org`;
const base = { agents, secret, mailboxes: ['support@example.org'], rcptTo: ['support@example.org'], fromAddress: 'alice@agents.test', auth: noAuth };

describe('identifyAgent', () => {
  it('accepts the agent writing through their own token', () => {
    expect(identifyAgent({ ...base, rcptTo: [aliceToken] })).toEqual({ kind: 'agent', agent: alice, ticketId: 4, proof: 'token' });
  });

  it('accepts the agent with aligned DKIM or SPF for the agent domain', () => {
    expect(identifyAgent({ ...base, auth: { ...noAuth, dkim: 'pass', aligned: true, alignedBy: 'dkim' } })).toMatchObject({ kind: 'agent', proof: 'dkim' });
    expect(identifyAgent({ ...base, auth: { ...noAuth, spf: 'pass', aligned: true, alignedBy: 'spf' } })).toMatchObject({ kind: 'agent', proof: 'spf' });
  });

  it('calls an unproven agent From spoofed, and a token from someone else misused', () => {
    expect(identifyAgent(base)).toEqual({ kind: 'spoofed', claimed: alice });
    expect(identifyAgent({ ...base, auth: { ...noAuth, fromDomain: 'elsewhere.test', aligned: true, alignedBy: 'dkim' } })).toMatchObject({ kind: 'spoofed' });
    expect(identifyAgent({ ...base, rcptTo: [aliceToken], fromAddress: 'mallory@attacker.test' })).toEqual({ kind: 'token_misused', tokenAgent: alice, ticketId: 4 });
    expect(identifyAgent({ ...base, fromAddress: 'carol@customer.test' })).toEqual({ kind: 'customer' });
  });
});
