/**
 * The SMTP listener: smtp-server configured as an inbound MX. No AUTH (we are not a submission
 * server), STARTTLS only with a configured certificate (the library's default is a self-signed
 * test certificate), SIZE advertised and enforced (552 5.3.4), unknown recipients refused at
 * RCPT (550 5.1.1), blocked senders refused at MAIL FROM or, when only the header From is
 * blocked, at the end of DATA (550 5.7.1), and a message acknowledged only once the spool has
 * made it durable.
 */
import { readFileSync } from 'node:fs';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config/config-schema.js';
import type { SenderPolicy } from '../policy/sender-policy.js';
import type { HeaderScreen, Refusal, SmtpEnvelope, SpoolWriter } from '../spool/spool-writer.js';
import type { Metrics } from '../admin/metrics.js';
import type { Database } from '../store/database-schema.js';
import { recordDecision } from '../store/decision-repo.js';
import { readHeaderFrom } from './read-header-from.js';
import { resolveRecipient } from './resolve-recipient.js';
import { replies, smtpReplyForFault } from './smtp-reply.js';

export interface ListenerDeps {
  metrics?: Metrics;
  config: Config;
  spool: SpoolWriter;
  senderPolicy: SenderPolicy;
  db: Kysely<Database>;
  logger: Logger;
}

export function createListener({ config, spool, senderPolicy, db, logger, metrics }: ListenerDeps): SMTPServer {
  const mailboxes = config.mailboxes.map((mailbox) => mailbox.address);
  const refuse = (refusal: Refusal, session: SMTPServerSession) => {
    logger.info({ code: refusal.code, detail: refusal.detail, remote: session.remoteAddress }, 'sender refused');
    metrics?.refused.inc({ reason: 'blocked_sender' });
    void recordDecision(db, { spoolId: null, ticketId: null, stage: 'smtp', code: refusal.code, detail: refusal.detail }).catch((error: unknown) =>
      logger.warn({ err: error }, 'refusal not recorded'),
    );
    return replies.senderBlocked(senderPolicy.refusalText);
  };
  const screenHeaderFrom: HeaderScreen = (headerBlock) => {
    for (const address of readHeaderFrom(headerBlock)) {
      const verdict = senderPolicy.check(address);
      if (verdict.blocked) return { code: 'POLICY_BLOCKED_SENDER', detail: `entry ${verdict.entry} matched header From ${verdict.address}` };
    }
    return null;
  };
  const options: SMTPServerOptions = {
    name: config.smtp.hostname,
    banner: 'Guichet support gateway',
    logger: false,
    disabledCommands: config.smtp.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    hideSTARTTLS: !config.smtp.tls,
    hideENHANCEDSTATUSCODES: true, // our replies carry their own codes (smtp-reply.ts)
    disableReverseLookup: true,
    size: config.smtp.maxMessageBytes,
    maxClients: config.smtp.maxClients,
    maxRecipients: config.smtp.maxRecipients,
    maxCommandLength: 2048,
    socketTimeout: config.smtp.idleTimeoutMs,
    closeTimeout: 5_000,
    ...(config.smtp.tls ? { key: readFileSync(config.smtp.tls.key), cert: readFileSync(config.smtp.tls.cert) } : {}),

    onMailFrom(address, session, callback) {
      const verdict = address.address ? senderPolicy.check(address.address) : { blocked: false as const };
      if (!verdict.blocked) return callback();
      callback(refuse({ code: 'POLICY_BLOCKED_SENDER', detail: `entry ${verdict.entry} matched MAIL FROM ${verdict.address}` }, session));
    },

    onRcptTo(address, _session, callback) {
      if (!resolveRecipient(address.address, mailboxes)) {
        logger.info({ rcpt: address.address }, 'recipient refused: not one of our mailboxes');
        metrics?.refused.inc({ reason: 'unknown_recipient' });
        return callback(replies.unknownRecipient(address.address));
      }
      callback();
    },

    onData(stream, session, callback) {
      spool.accept(stream, envelopeOf(session), screenHeaderFrom).then(
        (result) => {
          if (result.kind === 'oversized') {
            logger.info({ bytes: result.bytes }, 'message refused: over smtp.maxMessageBytes');
            metrics?.refused.inc({ reason: 'too_big' });
            return callback(replies.tooBig(config.smtp.maxMessageBytes));
          }
          if (result.kind === 'refused') return callback(refuse(result.refusal, session));
          logger.info({ spoolId: result.id }, 'message accepted into spool');
          metrics?.received.inc();
          callback(null, replies.queued(result.id));
        },
        (fault: unknown) => {
          logger.error({ err: fault }, 'message not accepted: spool write failed');
          metrics?.refused.inc({ reason: 'spool_failure' });
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
