/**
 * The policy stage's answer for one message. `autoReply: false` files the message but sends no
 * automatic mail; the reason is recorded in the decisions log.
 */

export type AutomatedReason =
  | 'auto_submitted'
  | 'precedence_bulk'
  | 'mailing_list'
  | 'null_sender'
  | 'mailer_daemon'
  | 'delivery_report'
  | 'own_loop'
  | 'too_many_hops'
  | 'auto_response_suppressed'
  | 'own_mailbox'
  | 'own_domain'
  | 'unauthenticated_sender'
  | 'rate_limited'
  | 'spoofed_agent';

export type Verdict = { action: 'file'; autoReply: true } | { action: 'file'; autoReply: false; reason: AutomatedReason; detail: string };
