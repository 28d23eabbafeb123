/**
 * The SMTP listener: smtp-server configured as an inbound MX. No AUTH (we are not a submission
 * server), STARTTLS only with a configured certificate (the library's default is a self-signed
 * test certificate), SIZE advertised and enforced (552 5.3.4), unknown recipients refused at
 * RCPT (550 5.1.1), and the message acknowledged only after the spool has made it durable.
 */
import { readFileSync } from 'node:fs';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import type { SmtpEnvelope, SpoolWriter } from '../spool/spool-writer.js';
import { resolveRecipient } from './resolve-recipient.js';
import { smtpReply, smtpReplyForFault } from './smtp-reply.js';

export interface ListenerDeps {
  config: Config;
  spool: SpoolWriter;
  logger: Logger;
}

export function createListener({ config, spool, logger }: ListenerDeps): SMTPServer {
  const mailboxes = config.mailboxes.map((mailbox) => mailbox.address);
  const options: SMTPServerOptions = {
    name: config.smtp.hostname,
    banner: 'Guichet support gateway',
    logger: false,
    disabledCommands: config.smtp.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    hideSTARTTLS: !config.smtp.tls,
    disableReverseLookup: true,
    hideENHANCEDSTATUSCODES: false, // RFC 3463 codes let the sender's MTA word its bounce
    size: config.smtp.maxMessageBytes,
    rejectOversized: true,
    maxClients: config.smtp.maxClients,
    maxRecipients: config.smtp.maxRecipients,
    maxCommandLength: 2048,
    socketTimeout: config.smtp.idleTimeoutMs,
    closeTimeout: 5_000,
    ...(config.smtp.tls ? { key: readFileSync(config.smtp.tls.key), cert: readFileSync(config.smtp.tls.cert) } : {}),

    onRcptTo(address, _session, callback) {
      if (!resolveRecipient(address.address, mailboxes)) {
        logger.info({ rcpt: address.address }, 'recipient refused: not one of our mailboxes');
        return callback(smtpReply(550, `<${address.address}>: no such mailbox here`));
      }
      callback();
    },

    onData(stream, session, callback) {
      spool.accept(stream, envelopeOf(session)).then(
        (result) => {
          if (result.kind === 'oversized') {
            logger.info({ bytes: result.bytes }, 'message refused: over smtp.maxMessageBytes');
            return callback(smtpReply(552, `Message too big: the limit is ${config.smtp.maxMessageBytes} bytes`));
          }
          logger.info({ spoolId: result.id }, 'message accepted into spool');
          callback(null, `Ok: queued as ${result.id}`);
        },
        (fault: unknown) => {
          logger.error({ err: fault }, 'message not accepted: spool write failed');
          callback(smtpReplyForFault(fault));
        },
      );
    },
  };
  const server = new SMTPServer(options);
  server.on('error', (error) => logger.warn({ err: error }, 'smtp connection error'));
  return server;
}

function envelopeOf(session: SMTPServerSession): SmtpEnvelope {
  const mailFrom = session.envelope.mailFrom;
  return {
    remoteAddress: session.remoteAddress ?? null,
    helo: session.hostNameAppearsAs ?? null,
    mailFrom: mailFrom ? mailFrom.address : '',
    rcptTo: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
  };
}
