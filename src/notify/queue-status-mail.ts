/**
 * Tells the customer about a status change they should know of, in their language, with the
 * new status named: `reopened` (they wrote on a resolved ticket), `resolved` (they resolved it
 * themselves, an agent did, or it was resolved for lack of an answer), `closed` (an agent
 * closed it without a message), `reminder` (we are waiting for their answer). `reason` lets
 * the template say why. All are automatic mail (Auto-Submitted, null sender).
 */
import type { Transaction } from 'kysely';
import type { Database, TicketRow } from '../store/database-schema.js';
import { listMessages } from '../store/message-repo.js';
import { queueCustomerMail, type MailDeps } from './queue-customer-mail.js';

export type StatusMailEvent = 'reopened' | 'resolved' | 'closed' | 'reminder';
export type StatusMailReason = 'customer' | 'agent' | 'no_answer' | 'reminder';

export async function queueStatusMail(
  trx: Transaction<Database>,
  deps: MailDeps,
  input: { event: StatusMailEvent; reason: StatusMailReason; ticket: TicketRow; at: string },
): Promise<void> {
  const history = await listMessages(trx, input.ticket.id);
  const lastCustomer = history.filter((message) => message.direction === 'in' && message.author === 'customer').at(-1);
  await queueCustomerMail(trx, deps, {
    event: input.event,
    ticket: input.ticket,
    to: { address: input.ticket.requester, name: lastCustomer?.from_name ?? null },
    inReplyTo: lastCustomer?.message_id ?? null,
    references: history.flatMap((message) => (message.message_id && !message.internal ? [message.message_id] : [])).slice(-10),
    automatic: true,
    extra: { reason: { [input.reason]: true } },
    at: input.at,
  });
}
