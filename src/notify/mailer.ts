/**
 * The narrow interface the outbox worker sends through. Two implementations: SMTP to the
 * configured relay, and `.eml` files in dataDir/outbox when no relay is set. A send that fails
 * throws MailerError saying whether a retry can help (4xx, connection trouble) or not (5xx).
 */
import type { OutgoingMail } from './outgoing-mail.js';

export interface Mailer {
  /** `jobId` names the outbox row; implementations may use it to make a resend idempotent. */
  send(mail: OutgoingMail, jobId: number): Promise<void>;
  close(): void;
}

export class MailerError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'MailerError';
  }
}

/** nodemailer errors carry the relay's reply code; no code means the connection failed (temporary). */
export function classifySendError(error: unknown): MailerError {
  const responseCode = (error as { responseCode?: number }).responseCode;
  const text = (error as Error).message ?? String(error);
  return new MailerError(responseCode ? `${responseCode}: ${text}` : text, responseCode !== undefined && responseCode >= 500);
}
