/**
 * The mailer used when no relay is configured: each mail becomes dataDir/outbox/<job>.eml,
 * written to a temporary name and renamed, so a reader never sees half a file and a resend after
 * a crash overwrites the same file instead of creating a second one. The envelope is kept in
 * X-Guichet-Envelope-* headers at the top, so the files can be replayed into a relay later.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { composeMail } from './compose-mail.js';
import { MailerError, type Mailer } from './mailer.js';
import type { OutgoingMail } from './outgoing-mail.js';

/**
 * Mails up to this size are written with synchronous calls on the event loop. Creating, writing
 * and renaming a 3 KB file took about 50 µs of CPU on the reference machine (2 vCPU VM, ext4),
 * the same calls through libuv's thread pool about 200 µs: each wakes a pool thread, then the
 * loop. SQLite's own writes already run on this thread. Larger mails (attachments) go through
 * the pool, so that writing them does not hold every SMTP session for milliseconds.
 */
const WRITTEN_INLINE_BYTES = 256 * 1024;

export class FileMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(readonly outboxDir: string) {
    mkdirSync(outboxDir, { recursive: true });
    this.transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  }

  async send(mail: OutgoingMail, jobId: number): Promise<void> {
    const name = `${String(jobId).padStart(8, '0')}.eml`;
    const temporary = join(this.outboxDir, `.${name}.tmp`);
    const destination = join(this.outboxDir, name);
    try {
      const info = (await this.transport.sendMail(composeMail(mail))) as { message: Buffer };
      const envelope =
        `X-Guichet-Envelope-From: <${mail.envelope.from}>\r\n` +
        `X-Guichet-Envelope-To: ${mail.envelope.to.map((to) => `<${to}>`).join(', ')}\r\n`;
      const file = Buffer.concat([Buffer.from(envelope), info.message]);
      if (file.length <= WRITTEN_INLINE_BYTES) {
        writeFileSync(temporary, file);
        renameSync(temporary, destination);
      } else {
        await writeFile(temporary, file);
        await rename(temporary, destination);
      }
    } catch (error) {
      // A write cut short (disk full) leaves part of the mail under the temporary name: remove
      // it, so a full outbox does not fill up further with pieces while the mail is retried.
      rmSync(temporary, { force: true });
      throw new MailerError(`cannot write to ${this.outboxDir}: ${(error as Error).message}`, false);
    }
  }

  close(): void {
    this.transport.close();
  }
}
