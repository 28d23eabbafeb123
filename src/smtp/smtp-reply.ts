/**
 * The one place where outcomes and faults become SMTP replies. smtp-server sends
 * `err.responseCode` and `err.message`; it derives the enhanced status code from the reply code
 * (550 → 5.1.1, 451 → 4.3.0), so the text here is written for a human reading a bounce.
 */
import { isGuichetError } from '../guichet-error.js';

export interface SmtpReplyError extends Error {
  responseCode: number;
}

export function smtpReply(responseCode: number, text: string): SmtpReplyError {
  const error = new Error(text) as SmtpReplyError;
  error.responseCode = responseCode;
  return error;
}

/** A fault while accepting a message: temporary ones ask the client to retry, never a silent loss. */
export function smtpReplyForFault(fault: unknown): SmtpReplyError {
  if (isGuichetError(fault) && !fault.temporary) {
    return smtpReply(554, `Transaction failed (${fault.code}); please contact the postmaster`);
  }
  const code = isGuichetError(fault) ? fault.code : 'INTERNAL';
  return smtpReply(451, `Temporary local problem (${code}); please try again later`);
}
