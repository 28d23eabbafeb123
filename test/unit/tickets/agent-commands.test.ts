import { describe, expect, it } from 'vitest';
import { parseAgentCommands } from '../../../src/tickets/parse-agent-commands.js';
import { agentsToNotify, findAgent } from '../../../src/tickets/route-to-agents.js';

describe('parseAgentCommands', () => {
  it('reads commands at the top and keeps the rest as the text for the customer', () => {
    const parsed = parseAgentCommands('#close\n\n#priority URGENT\n#assign Alice\nHello,\n#not a command here');
    expect(parsed.commands).toEqual([{ name: 'close' }, { name: 'priority', priority: 'urgent' }, { name: 'assign', agent: 'alice' }]);
    expect(parsed.errors).toEqual([]);
    expect(parsed.body).toBe('Hello,\n#not a command here');
  });

  it('reports unknown commands and bad arguments', () => {
    const parsed = parseAgentCommands('#closed\n#priority soon\n#merge abc\n#note please\n#assign\nText');
    expect(parsed.errors).toEqual([
      expect.stringMatching(/^#closed: unknown command/),
      '#priority soon: usage: #priority low|normal|high|urgent',
      '#merge abc: usage: #merge <ticket number>',
      '#note please: #note takes no argument',
      '#assign: usage: #assign <agent name or address>',
    ]);
  });

  it('accepts #merge with or without a hash, and a reply with no commands', () => {
    expect(parseAgentCommands('#merge #12').commands).toEqual([{ name: 'merge', ticketId: 12 }]);
    expect(parseAgentCommands('Just text').commands).toEqual([]);
  });
});

describe('routing to agents', () => {
  const agents = [
    { address: 'alice@agents.test', name: 'Alice Martin', queues: ['billing'], customers: [] },
    { address: 'bob@agents.test', name: 'Bob', queues: [], customers: ['asso.fr', 'vip@client.test'] },
    { address: 'chris@agents.test', name: 'Chris', queues: [], customers: [] },
  ];
  const ticket = (overrides: Partial<{ assignee: string | null; queue: string | null; requester: string }>) => ({ assignee: null, queue: null, requester: 'x@y.test', ...overrides });

  it('prefers the assignee, then queue and customer agents, else everyone', () => {
    expect(agentsToNotify(agents, ticket({ assignee: 'bob@agents.test' })).map((agent) => agent.name)).toEqual(['Bob']);
    expect(agentsToNotify(agents, ticket({ queue: 'billing', requester: 'a@asso.fr' })).map((agent) => agent.name)).toEqual(['Alice Martin', 'Bob']);
    expect(agentsToNotify(agents, ticket({ requester: 'vip@client.test' })).map((agent) => agent.name)).toEqual(['Bob']);
    expect(agentsToNotify(agents, ticket({})).map((agent) => agent.name)).toEqual(['Alice Martin', 'Bob', 'Chris']);
  });

  it('does not notify the agent who wrote, and nobody else when they are the assignee', () => {
    expect(agentsToNotify(agents, ticket({}), 'alice@agents.test').map((agent) => agent.name)).toEqual(['Bob', 'Chris']);
    expect(agentsToNotify(agents, ticket({ assignee: 'alice@agents.test' }), 'alice@agents.test')).toEqual([]);
  });

  it('finds an agent by address, local part, full or first name', () => {
    for (const wanted of ['alice@agents.test', 'alice', 'Alice Martin', 'ALICE']) expect(findAgent(agents, wanted)?.address).toBe('alice@agents.test');
    expect(findAgent(agents, 'zoe')).toBeUndefined();
  });
});
