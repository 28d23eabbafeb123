/**
 * The record the parse stage hands on: everything later stages need from a message, decoded
 * to Unicode, with addresses lower-cased and attachments already moved out to the store.
 */

export interface MailAddress {
  address: string; // lower-case
  name: string | null;
}

export interface StoredAttachment {
  filename: string | null;
  contentType: string;
  size: number;
  sha256: string;
  storedPath: string; // relative to dataDir
}

export interface ParsedMessage {
  from: MailAddress | null;
  to: readonly MailAddress[];
  cc: readonly MailAddress[];
  replyTo: MailAddress | null;
  subject: string;
  date: string | null; // ISO-8601
  messageId: string | null; // with angle brackets
  inReplyTo: string | null;
  references: readonly string[];
  /** For a delivery report (multipart/report): the Message-IDs of the reported message(s). */
  reportedMessageIds: readonly string[];
  /** The text part; where it has no words, the text of the HTML part (then textFromHtml). */
  text: string;
  textFromHtml: boolean;
  html: string | null;
  /** Raw header values by lower-case name, in order of appearance, unfolded. */
  headers: Readonly<Record<string, readonly string[]>>;
  contentType: string;
  attachments: readonly StoredAttachment[];
  /** Defects noticed while parsing that did not stop filing, e.g. "html_not_converted". */
  defects: readonly string[];
}
