/**
 * The configuration schema: every key Guichet reads, its default and its meaning. The Config
 * type is inferred from it, so code and validation cannot drift apart. Objects are strict: an
 * unknown key is an error naming that key (a typo must not silently fall back to a default).
 * Keys starting with "$" (such as "$doc") are documentation and are removed before validation.
 */
import { z } from 'zod';
import { parseSenderListEntry } from '../policy/sender-list-entry.js';

const port = z.number().int().min(0).max(65535);
const emailAddress = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, 'must be an email address such as support@example.org');

const smtpSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: port.default(2525),
  /** Name announced in the banner and in our Message-IDs' right-hand side when no mailbox domain fits. */
  hostname: z.string().default('localhost'),
  maxMessageBytes: z.number().int().positive().default(25 * 1024 * 1024),
  maxClients: z.number().int().positive().default(100),
  maxRecipients: z.number().int().positive().default(20),
  /** Idle time before a silent client is disconnected (RFC 5321 4.5.3.2 suggests minutes; we are stricter). */
  idleTimeoutMs: z.number().int().positive().default(60_000),
  tls: z
    .strictObject({ key: z.string().min(1), cert: z.string().min(1) })
    .optional()
    .describe('paths to a PEM key and certificate; STARTTLS is offered only when set'),
});

const mailboxSchema = z.strictObject({
  address: emailAddress,
  queue: z.string().min(1).optional(),
});

const outboundSchema = z.strictObject({
  from: emailAddress.optional(),
  name: z.string().default('Support'),
  smtp: z
    .strictObject({
      host: z.string().min(1),
      port: port.default(25),
      secure: z.boolean().default(false),
      requireTLS: z.boolean().default(false),
    })
    .optional(),
  maxAttempts: z.number().int().positive().default(12),
  retryBaseMs: z.number().int().positive().default(30_000),
});

function senderListEntry(kinds: readonly string[], example: string) {
  return z.string().superRefine((value, ctx) => {
    const parsed = parseSenderListEntry(value);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.reason });
    else if (!kinds.includes(parsed.entry.kind)) ctx.addIssue({ code: 'custom', message: `"${value}" does not belong in this list (example: ${example})` });
  });
}

const blocklistSchema = z.strictObject({
  domains: z.array(senderListEntry(['domain'], 'qq.com')).default([]),
  addresses: z.array(senderListEntry(['address'], 'spammer@example.net')).default([]),
  patterns: z.array(senderListEntry(['glob', 'regex'], '*.xyz or /^promo-.*@/')).default([]),
  allow: z.array(senderListEntry(['address', 'domain'], 'real.customer@qq.com')).default([]),
  /** Text of the 550 5.7.1 refusal; say which other channel to use. */
  message: z
    .string()
    .min(1)
    .regex(/^[^\r\n]+$/, 'must be a single line')
    .default('Mail from your address is not accepted by this support address; please use the contact form on our website'),
});

const autoReplySchema = z.strictObject({
  /** Send automatic mail only to senders whose SPF or DKIM passes aligned with their From domain. Default: on unless the listener is on loopback. */
  requireAuthenticatedSender: z.boolean().optional(),
  maxPerSender: z.number().int().min(0).default(5),
  periodMinutes: z.number().int().positive().default(60),
});

const agentSchema = z.strictObject({
  address: emailAddress,
  name: z.string().min(1),
  /** Queues (mailboxes[].queue) whose tickets this agent is notified of. */
  queues: z.array(z.string().min(1)).default([]),
  /** Customers this agent looks after: domains (asso.fr) or addresses. */
  customers: z.array(z.string().min(1)).default([]),
});

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time such as 09:00');
const openingHours = z.array(z.tuple([clockTime, clockTime]).refine(([open, close]) => open < close, 'opening must be before closing'));
const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const calendarSchema = z.strictObject({
  timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris'),
  /** Opening hours per weekday, local time; a missing day is closed. */
  hours: z.strictObject(Object.fromEntries(weekdays.map((day) => [day, openingHours.optional()])) as Record<(typeof weekdays)[number], z.ZodOptional<typeof openingHours>>),
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2026-12-25')).default([]),
});

const targetSchema = z.strictObject({
  hours: z.number().positive(),
  /** Counted in the plan's calendar opening hours (true) or on the wall clock (false). */
  business: z.boolean().default(true),
});

const planSchema = z.strictObject({
  calendar: z.string().min(1).optional(),
  firstResponse: targetSchema,
  nextResponse: targetSchema.optional(),
  /** Target for tickets whose priority is urgent, when shorter. */
  urgentResponse: targetSchema.optional(),
});

const customerRuleSchema = z.strictObject({
  /** A domain (with its subdomains) or an address. */
  match: z.string().min(3),
  plan: z.string().min(1).optional(),
  accountManager: emailAddress.optional(),
  queue: z.string().min(1).optional(),
});

const defaultUrgencyKeywords = {
  fr: ['la collecte ne fonctionne plus', 'collecte bloquée', 'plus aucun don', 'les dons ne passent plus', 'mise en demeure', 'avocat', 'juridique', 'plainte', 'cnil'],
  en: ['collection no longer works', 'donations no longer work', 'cannot receive donations', 'legal action', 'lawyer', 'lawsuit', 'court'],
  ru: ['не работает сбор', 'юрист', 'суд', 'претензия'],
};

const lifecycleSchema = z.strictObject({
  closeResolvedAfterDays: z.number().positive().default(7),
  remindAwaitingAfterDays: z.number().positive().default(3),
  /** After the reminder, a ticket still awaiting the customer is resolved this many days later. */
  resolveAwaitingAfterDays: z.number().positive().default(4),
  /** A line of the customer's new text equal to one of these resolves the ticket. */
  customerResolveKeywords: z.array(z.string().min(2)).default(['#resolved', '#résolu', '#resolu', '#решено']),
});

const topicsSchema = z.strictObject({
  /** A customer reply whose subject shares less than this with its ticket's (0–1, see is-topic-change.ts) opens a new linked ticket. */
  splitThreshold: z.number().min(0).max(1).default(0.34),
});

const limitsSchema = z.strictObject({
  newTicketsPerSenderPerHour: z.number().int().positive().default(20),
});

const storeSchema = z.strictObject({
  /** sqlite: one gateway, the database in dataDir. postgres: several gateways sharing one database (README, "Several gateways"). */
  dialect: z.enum(['sqlite', 'postgres']).default('sqlite'),
  /** postgres only: a connection string such as postgres://guichet:secret@db.internal:5432/guichet. */
  url: z.string().min(1).optional(),
  /** postgres only: connections per gateway process. */
  poolSize: z.number().int().min(2).max(100).default(10),
  /**
   * postgres only: this gateway's name among those sharing the database, unique and stable across
   * restarts, so a restarted gateway takes back its unfinished work at once. Default: host name
   * and SMTP port (host name and process id when the port is 0).
   */
  gatewayName: z.string().min(1).max(200).optional(),
});

const baseSchema = z.strictObject({
  dataDir: z.string().min(1).default('data'),
  store: storeSchema.default(storeSchema.parse({})),
  locale: z.enum(['en', 'fr', 'ru']).default('en'),
  /** HMAC secret for reply tokens and Message-IDs; generated into dataDir on first start when absent. */
  secret: z.string().min(16, 'must be at least 16 characters').optional(),
  smtp: smtpSchema.default(smtpSchema.parse({})),
  mailboxes: z
    .array(mailboxSchema)
    .min(1, 'needs at least one mailbox such as { "address": "support@example.org" }')
    .default([{ address: 'support@example.org' }]),
  outbound: outboundSchema.default(outboundSchema.parse({})),
  blocklist: blocklistSchema.default(blocklistSchema.parse({})),
  autoReply: autoReplySchema.default(autoReplySchema.parse({})),
  limits: limitsSchema.default(limitsSchema.parse({})),
  topics: topicsSchema.default(topicsSchema.parse({})),
  agents: z.array(agentSchema).default([]),
  calendars: z.record(z.string(), calendarSchema).default({}),
  plans: z.record(z.string(), planSchema).default({}),
  defaultPlan: z.string().min(1).optional(),
  customers: z.array(customerRuleSchema).default([]),
  urgency: z.strictObject({ keywords: z.record(z.string(), z.array(z.string().min(2))).default(defaultUrgencyKeywords) }).default({ keywords: defaultUrgencyKeywords }),
  sla: z.strictObject({ warnBeforeMinutes: z.number().int().min(0).default(60) }).default({ warnBeforeMinutes: 60 }),
  lifecycle: lifecycleSchema.default(lifecycleSchema.parse({})),
  admin: z
    .strictObject({
      /** The admin page and API; off unless a port is set. */
      port: port.optional(),
      host: z.string().default('127.0.0.1'),
      /** Required with a port: there is no default credential. */
      token: z.string().min(16, 'must be at least 16 characters').optional(),
    })
    .default({ host: '127.0.0.1' }),
  /** Where the templates are; the ones shipped with Guichet by default. Admins edit them there. */
  templatesDir: z.string().min(1).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Names that refer to other parts of the config must exist there. */
export const configSchema = baseSchema.superRefine((config, ctx) => {
  for (const [name, plan] of Object.entries(config.plans)) {
    if (plan.calendar && !config.calendars[plan.calendar]) {
      ctx.addIssue({ code: 'custom', path: ['plans', name, 'calendar'], message: `no calendar "${plan.calendar}" in calendars` });
    }
  }
  if (config.admin.port !== undefined && !config.admin.token) {
    ctx.addIssue({ code: 'custom', path: ['admin', 'token'], message: 'is required when admin.port is set (there is no default credential): set a random string of 16+ characters' });
  }
  if (config.store.dialect === 'postgres' && !config.store.url) {
    ctx.addIssue({ code: 'custom', path: ['store', 'url'], message: 'is required when store.dialect is "postgres": set a connection string such as postgres://user:password@host:5432/guichet' });
  }
  if (config.store.dialect === 'sqlite' && config.store.url) {
    ctx.addIssue({ code: 'custom', path: ['store', 'url'], message: 'is only read with store.dialect "postgres": remove it, or set store.dialect to "postgres"' });
  }
  if (config.defaultPlan && !config.plans[config.defaultPlan]) ctx.addIssue({ code: 'custom', path: ['defaultPlan'], message: `no plan "${config.defaultPlan}" in plans` });
  config.customers.forEach((rule, index) => {
    if (rule.plan && !config.plans[rule.plan]) ctx.addIssue({ code: 'custom', path: ['customers', index, 'plan'], message: `no plan "${rule.plan}" in plans` });
  });
});

export type Config = z.infer<typeof configSchema>;
export type CalendarConfig = z.infer<typeof calendarSchema>;
export type StoreConfig = z.infer<typeof storeSchema>;
export type PlanConfig = z.infer<typeof planSchema>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
export type ConfigInput = z.input<typeof configSchema>;
