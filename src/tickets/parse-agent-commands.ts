/**
 * Commands an agent writes at the very top of a reply, one per line, before the text for the
 * customer: #close, #resolve, #wait, #assign alice, #queue billing, #priority urgent, #note,
 * #split, #merge 123. Parsing stops at the first line that is not a command (blank lines
 * between commands are allowed), so a "#" later in the text is just text. Unknown commands and
 * bad arguments are reported, never guessed at.
 */

export type AgentCommand =
  | { name: 'close' }
  | { name: 'resolve' }
  | { name: 'wait' }
  | { name: 'note' }
  | { name: 'split' }
  | { name: 'assign'; agent: string }
  | { name: 'queue'; queue: string }
  | { name: 'priority'; priority: Priority }
  | { name: 'merge'; ticketId: number };

export const priorities = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof priorities)[number];

export interface ParsedCommands {
  commands: AgentCommand[];
  errors: string[];
  /** The text after the commands: what the customer receives (unless #note). */
  body: string;
}

const COMMAND_LINE = /^#([a-z]+)\b\s*(.*)$/i;

export function parseAgentCommands(text: string): ParsedCommands {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const commands: AgentCommand[] = [];
  const errors: string[] = [];
  let index = 0;
  for (; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim();
    if (line === '') continue;
    const match = COMMAND_LINE.exec(line);
    if (!match) break;
    const parsed = parseOne((match[1] ?? '').toLowerCase(), (match[2] ?? '').trim());
    if (typeof parsed === 'string') errors.push(`${line}: ${parsed}`);
    else commands.push(parsed);
  }
  return { commands, errors, body: lines.slice(index).join('\n').trim() };
}

function parseOne(name: string, argument: string): AgentCommand | string {
  switch (name) {
    case 'close':
    case 'resolve':
    case 'wait':
    case 'note':
    case 'split':
      return argument ? `#${name} takes no argument` : { name };
    case 'assign':
      return argument && !/\s/.test(argument) ? { name, agent: argument.toLowerCase() } : 'usage: #assign <agent name or address>';
    case 'queue':
      return argument && !/\s/.test(argument) ? { name, queue: argument.toLowerCase() } : 'usage: #queue <queue>';
    case 'priority': {
      const priority = priorities.find((candidate) => candidate === argument.toLowerCase());
      return priority ? { name, priority } : `usage: #priority ${priorities.join('|')}`;
    }
    case 'merge': {
      const id = Number(argument.replace(/^#/, ''));
      return Number.isInteger(id) && id > 0 ? { name, ticketId: id } : 'usage: #merge <ticket number>';
    }
    default:
      return 'unknown command (known: #close #resolve #wait #assign #queue #priority #note #split #merge)';
  }
}
