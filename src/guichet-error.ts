/**
 * The one error class for faults in Guichet. Expected outcomes (a blocked sender, an unknown
 * recipient) are values, not errors; a GuichetError means something went wrong. The code is
 * prefixed by the stage that raised it, and `temporary` tells the SMTP edge whether the client
 * should retry (4xx) or give up (5xx). The mapping to SMTP replies lives in smtp/smtp-reply.ts.
 */

export const errorCatalogue = {
  CONFIG_INVALID: { temporary: false, summary: 'The configuration file is invalid.' },
  CONFIG_UNREADABLE: { temporary: false, summary: 'The configuration file cannot be read or is not JSON.' },
  SMTP_SIZE_EXCEEDED: { temporary: false, summary: 'The message is larger than smtp.maxMessageBytes.' },
  SPOOL_WRITE_FAILED: { temporary: true, summary: 'The message could not be written durably to the spool.' },
  SPOOL_READ_FAILED: { temporary: true, summary: 'A spooled message could not be read back from its file.' },
  PARSE_MALFORMED: { temporary: false, summary: 'The message could not be parsed as MIME.' },
  PARSE_NO_SENDER: { temporary: false, summary: 'The message has neither a From header nor an envelope sender.' },
  PARSE_ATTACHMENT_WRITE_FAILED: { temporary: true, summary: 'An attachment could not be written to the attachment store.' },
  STORE_FAILED: { temporary: true, summary: 'The database refused a write.' },
  NOTIFY_TEMPLATE_INVALID: { temporary: false, summary: 'A template failed to compile or render.' },
  NOTIFY_SEND_FAILED: { temporary: true, summary: 'The outbound relay did not accept a message.' },
  CLI_USAGE: { temporary: false, summary: 'The command line is not understood.' },
  CLI_NOT_FOUND: { temporary: false, summary: 'The named ticket or entry does not exist.' },
} as const;

export type ErrorCode = keyof typeof errorCatalogue;

export class GuichetError extends Error {
  readonly code: ErrorCode;
  readonly temporary: boolean;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; temporary?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GuichetError';
    this.code = code;
    this.temporary = options?.temporary ?? errorCatalogue[code].temporary;
  }
}

export function isGuichetError(value: unknown): value is GuichetError {
  return value instanceof GuichetError;
}
