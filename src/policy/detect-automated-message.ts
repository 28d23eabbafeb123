/**
 * Is this message written by a machine, so that answering it automatically risks a mail loop
 * or backscatter? Follows RFC 3834 (Auto-Submitted), RFC 2369/2919 (List-*), RFC 3464 (DSNs)
 * and the de-facto signals mature helpdesks honour (Precedence, X-Auto-Response-Suppress,
 * MAILER-DAEMON, hop counts). Such mail is still filed; only the automatic reply is withheld.
 */
import type { ParsedMessage } from '../parse/parsed-message.js';
import { resolveRecipient } from '../smtp/resolve-recipient.js';
import type { Verdict } from './verdict.js';

const MAX_RECEIVED_HOPS = 25;

export interface AutomatedCheckInput {
  message: Pick<ParsedMessage, 'headers' | 'contentType'>;
  envelopeFrom: string;
  sender: string;
  ourAddresses: readonly string[];
}

export function detectAutomatedMessage({ message, envelopeFrom, sender, ourAddresses }: AutomatedCheckInput): Verdict {
  const header = (name: string) => message.headers[name]?.[0]?.toLowerCase().trim();
  const suppress = (reason: Extract<Verdict, { autoReply: false }>['reason'], detail: string): Verdict => ({
    action: 'file',
    autoReply: false,
    reason,
    detail,
  });
  const autoSubmitted = header('auto-submitted');
  if (autoSubmitted && !autoSubmitted.startsWith('no')) return suppress('auto_submitted', `Auto-Submitted: ${autoSubmitted}`);
  const precedence = header('precedence');
  if (precedence && /^(bulk|junk|list)\b/.test(precedence)) return suppress('precedence_bulk', `Precedence: ${precedence}`);
  if (message.headers['list-id'] || message.headers['list-unsubscribe']) return suppress('mailing_list', 'List-Id or List-Unsubscribe present');
  if (message.contentType === 'multipart/report') return suppress('delivery_report', 'multipart/report');
  if (envelopeFrom === '') return suppress('null_sender', 'envelope sender is <>');
  if (/^(mailer-daemon|postmaster)@/i.test(sender) || /^(mailer-daemon|postmaster)@/i.test(envelopeFrom)) {
    return suppress('mailer_daemon', `sender ${sender}`);
  }
  const loops = message.headers['x-loop'] ?? [];
  if (loops.some((value) => ourAddresses.some((address) => value.toLowerCase().includes(address)))) {
    return suppress('own_loop', 'X-Loop names one of our mailboxes');
  }
  if (resolveRecipient(sender, ourAddresses)) return suppress('own_mailbox', `sender ${sender} is one of our mailboxes`);
  const senderDomain = sender.slice(sender.lastIndexOf('@') + 1);
  if (ourAddresses.some((address) => address.endsWith(`@${senderDomain}`))) return suppress('own_domain', `sender ${sender} is in our own domain`);
  const hops = message.headers['received']?.length ?? 0;
  if (hops > MAX_RECEIVED_HOPS) return suppress('too_many_hops', `${hops} Received headers`);
  const suppressHeader = header('x-auto-response-suppress');
  if (suppressHeader && /\b(all|autoreply|oof)\b/.test(suppressHeader)) {
    return suppress('auto_response_suppressed', `X-Auto-Response-Suppress: ${suppressHeader}`);
  }
  return { action: 'file', autoReply: true };
}
