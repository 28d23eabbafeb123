/**
 * Which of our mailboxes an envelope recipient is for. Accepts a configured mailbox address and
 * its reply addresses (`support+<token>@domain`, RFC 5233 subaddressing); the token itself is
 * checked later by the threader, so a damaged token still reaches support instead of bouncing.
 * Comparison is case-insensitive: local parts are case-sensitive in theory (RFC 5321 2.4) but
 * no mail system in practice treats Support@ and support@ as different people.
 */

export interface RecipientMatch {
  mailbox: string;
  token: string | null;
}

export function resolveRecipient(address: string, mailboxes: readonly string[]): RecipientMatch | null {
  const at = address.lastIndexOf('@');
  if (at <= 0) return null;
  const local = address.slice(0, at).toLowerCase();
  const domain = address.slice(at + 1).toLowerCase().replace(/\.$/, '');
  const plus = local.indexOf('+');
  const base = plus === -1 ? local : local.slice(0, plus);
  const mailbox = `${base}@${domain}`;
  if (!mailboxes.includes(mailbox)) return null;
  return { mailbox, token: plus === -1 ? null : local.slice(plus + 1) || null };
}

/**
 * The mailbox a message was sent to: the first envelope recipient that is one of ours (a reply
 * address gives its mailbox, never its token), else the first configured mailbox.
 */
export function mailboxOfEnvelope(rcptTo: readonly string[], mailboxes: readonly string[]): string | null {
  return rcptTo.map((rcpt) => resolveRecipient(rcpt, mailboxes)?.mailbox).find(Boolean) ?? mailboxes[0] ?? null;
}
