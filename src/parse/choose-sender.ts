/**
 * Who wrote the message, for ticketing purposes: the From header, else the envelope sender
 * (mail with a missing or unparseable From still reaches support). Null when neither exists:
 * such a message cannot be answered and is quarantined.
 */
import type { MailAddress, ParsedMessage } from './parsed-message.js';

export function chooseSender(message: Pick<ParsedMessage, 'from'>, envelopeFrom: string): { sender: MailAddress; fromHeader: boolean } | null {
  if (message.from) return { sender: message.from, fromHeader: true };
  if (envelopeFrom.includes('@')) return { sender: { address: envelopeFrom.toLowerCase(), name: null }, fromHeader: false };
  return null;
}
