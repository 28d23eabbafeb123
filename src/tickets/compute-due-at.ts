/**
 * When the next response is due, from the ticket's plan: the first-response target for a new
 * ticket, the next-response target (else the first) when a customer writes after an answer;
 * for an urgent ticket the plan's urgent target when it is shorter. Business-hour targets count
 * in the plan's calendar; without a plan there is no target (null).
 */
import type { Config } from '../config/config-schema.js';
import { addBusinessHours } from './business-hours.js';

export type ResponseKind = 'first' | 'next';

export function computeDueAt(config: Pick<Config, 'plans' | 'calendars'>, planName: string | null, kind: ResponseKind, urgent: boolean, from: Date): string | null {
  const plan = planName ? config.plans[planName] : undefined;
  if (!plan) return null;
  const targets = [kind === 'next' ? (plan.nextResponse ?? plan.firstResponse) : plan.firstResponse];
  if (urgent && plan.urgentResponse) targets.push(plan.urgentResponse);
  const calendar = plan.calendar ? config.calendars[plan.calendar] : undefined;
  const dues = targets.map((target) =>
    target.business && calendar ? addBusinessHours(from, target.hours, calendar) : new Date(from.getTime() + target.hours * 3_600_000),
  );
  return new Date(Math.min(...dues.map((due) => due.getTime()))).toISOString();
}
