/**
 * One mail to send, fully rendered: what an outbox row holds. Rendering happens when the row is
 * queued, so a template edited later never changes a mail already promised, and a retry sends
 * exactly the same bytes-worth of content (same Message-ID, so receivers can drop duplicates).
 */

export interface OutgoingMail {
  from: { name: string; address: string };
  to: string[];
  cc: string[];
  replyTo: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  headers: Record<string, string>;
  /** Files from our own data directory (never a path from a message), attached as they are. */
  attachments?: { filename: string | null; contentType: string; path: string }[];
  /** SMTP envelope; `from: ''` is the null reverse-path used for automatic replies (RFC 3834 5.1). */
  envelope: { from: string; to: string[] };
}
