/**
 * Is this message an agent speaking? The agent channel is the keys to every customer's
 * conversation, so it takes proof: the message came through that agent's own reply token
 * (support+<ticket>-<agentKey>-<tag>@…) and its From is that agent, or its From is an agent
 * and SPF or DKIM passes aligned with the agent's domain (DMARC rules, see check-sender-auth).
 * A message whose From claims an agent without either proof is `spoofed`; one that uses an
 * agent's token from another address is `token_misused`. Both are handled as customer mail.
 */
import type { Config } from '../config/config-schema.js';
import { resolveRecipient } from '../smtp/resolve-recipient.js';
import { agentKeyOf, readReplyToken } from '../thread/reply-token.js';
import type { SenderAuth } from './check-sender-auth.js';

export type Agent = Config['agents'][number];

export type AgentIdentity =
  | { kind: 'agent'; agent: Agent; ticketId: number | null; proof: 'token' | 'dkim' | 'spf' }
  | { kind: 'customer' }
  | { kind: 'spoofed'; claimed: Agent }
  | { kind: 'token_misused'; tokenAgent: Agent; ticketId: number };

export interface IdentifyInput {
  agents: readonly Agent[];
  secret: string;
  mailboxes: readonly string[];
  rcptTo: readonly string[];
  fromAddress: string | null;
  auth: SenderAuth;
}

export function identifyAgent(input: IdentifyInput): AgentIdentity {
  const claimed = input.fromAddress ? input.agents.find((agent) => agent.address === input.fromAddress) : undefined;
  for (const rcpt of input.rcptTo) {
    const token = resolveRecipient(rcpt, input.mailboxes)?.token;
    const parsed = token ? readReplyToken(input.secret, token) : null;
    if (!parsed?.agentKey) continue;
    const tokenAgent = input.agents.find((agent) => agentKeyOf(agent.address) === parsed.agentKey);
    if (!tokenAgent) continue;
    if (claimed && claimed.address === tokenAgent.address) return { kind: 'agent', agent: claimed, ticketId: parsed.ticketId, proof: 'token' };
    return { kind: 'token_misused', tokenAgent, ticketId: parsed.ticketId };
  }
  if (!claimed) return { kind: 'customer' };
  const agentDomain = claimed.address.split('@')[1];
  if (input.auth.aligned && input.auth.fromDomain === agentDomain && input.auth.alignedBy) {
    return { kind: 'agent', agent: claimed, ticketId: null, proof: input.auth.alignedBy };
  }
  return { kind: 'spoofed', claimed };
}
