/**
 * OutgoingMail → nodemailer message options, shared by both mailers so a mail written to
 * data/outbox/ is byte for byte what the relay would have received.
 */
import type { SendMailOptions } from 'nodemailer';
import type { OutgoingMail } from './outgoing-mail.js';

export function composeMail(mail: OutgoingMail): SendMailOptions {
  return {
    from: { name: mail.from.name, address: mail.from.address },
    to: mail.to,
    cc: mail.cc.length > 0 ? mail.cc : undefined,
    replyTo: mail.replyTo,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    inReplyTo: mail.inReplyTo ?? undefined,
    references: mail.references.length > 0 ? mail.references : undefined,
    headers: mail.headers,
    envelope: { from: mail.envelope.from, to: mail.envelope.to },
    attachments: mail.attachments?.map((file) => ({ filename: file.filename ?? undefined, contentType: file.contentType, path: file.path })),
    // Attachment paths are written by Guichet from its data directory, never taken from a message.
    disableFileAccess: false,
    disableUrlAccess: true,
  };
}
