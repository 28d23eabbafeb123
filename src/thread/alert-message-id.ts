/**
 * Message-IDs of the quarantine alerts mailed to agents: `<q.<spool entry>.<random>.<tag>@<domain>>`,
 * signed as our tickets' ids are (signed-message-id.ts). An agent who answers an alert writes to
 * the mailbox, and without this the answer would open a ticket with the agent as its customer
 * (and acknowledge it). The HMAC tag lets the filing tell a real answer to an alert from a
 * look-alike id, so a customer cannot have their own mail set aside by writing one.
 */
import { readSignedValue, signedMessageId } from './signed-message-id.js';

const PURPOSE = 'alert-message-id';

export function makeAlertMessageId(secret: string, spoolId: string, domain: string): string {
  return signedMessageId(secret, PURPOSE, `q.${spoolId}`, domain);
}

/** The spool entry an alert of ours was about, or null for any other id (or a forged one). */
export function readAlertMessageId(secret: string, messageId: string): string | null {
  return readSignedValue(secret, PURPOSE, 'q', messageId);
}

/** The spool entry of the alert a message answers (In-Reply-To, else References), if any. */
export function answeredAlert(secret: string, message: { inReplyTo: string | null; references: readonly string[] }): string | null {
  for (const id of [...(message.inReplyTo ? [message.inReplyTo] : []), ...[...message.references].reverse()]) {
    const spoolId = readAlertMessageId(secret, id);
    if (spoolId !== null) return spoolId;
  }
  return null;
}
