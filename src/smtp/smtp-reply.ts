/**
 * The one place where outcomes and faults become SMTP replies, each with its RFC 3463 enhanced
 * status code written out. smtp-server's automatic codes are turned off (see create-listener):
 * it derives them from the reply code alone, which would call a policy refusal (550) "5.1.1 bad
 * mailbox" when it is "5.7.1 delivery not authorized".
 */
import { isGuichetError } from '../guichet-error.js';

export interface SmtpReplyError extends Error {
  responseCode: number;
}

export function smtpReply(responseCode: number, enhanced: string, text: string): SmtpReplyError {
  const error = new Error(`${enhanced} ${text}`) as SmtpReplyError;
  error.responseCode = responseCode;
  return error;
}

export const replies = {
  unknownRecipient: (address: string) => smtpReply(550, '5.1.1', `<${address}>: no such mailbox here`),
  tooBig: (limit: number) => smtpReply(552, '5.3.4', `Message too big: the limit is ${limit} bytes`),
  senderBlocked: (text: string) => smtpReply(550, '5.7.1', text),
  queued: (id: string) => `2.0.0 Ok: queued as ${id}`,
};

/** A fault while accepting a message: temporary ones ask the client to retry, never a silent loss. */
export function smtpReplyForFault(fault: unknown): SmtpReplyError {
  if (isGuichetError(fault) && !fault.temporary) {
    return smtpReply(554, '5.3.0', `Transaction failed (${fault.code}); please contact the postmaster`);
  }
  const code = isGuichetError(fault) ? fault.code : 'INTERNAL';
  return smtpReply(451, '4.3.0', `Temporary local problem (${code}); please try again later`);
}
