/**
 * Sends through the configured relay (`outbound.smtp`) with nodemailer. One connection per
 * send keeps failure handling simple and is plenty for a support desk's volume; the outbox
 * worker decides about retries from the MailerError this throws.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../config/config-schema.js';
import { composeMail } from './compose-mail.js';
import { classifySendError, type Mailer } from './mailer.js';
import type { OutgoingMail } from './outgoing-mail.js';

type RelayConfig = NonNullable<Config['outbound']['smtp']>;

export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(relay: RelayConfig, clientName: string) {
    this.transport = nodemailer.createTransport({
      host: relay.host,
      port: relay.port,
      secure: relay.secure,
      requireTLS: relay.requireTLS,
      name: clientName,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
    });
  }

  async send(mail: OutgoingMail): Promise<void> {
    try {
      await this.transport.sendMail(composeMail(mail));
    } catch (error) {
      throw classifySendError(error);
    }
  }

  close(): void {
    this.transport.close();
  }
}
