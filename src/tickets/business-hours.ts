/**
 * Business-hour arithmetic: when is a response due if a target counts only opening hours
 * (e.g. 24 business hours, Monday–Friday 9:00–18:00, Europe/Paris, holidays closed)? Pure
 * functions over instants; wall-clock opening hours are turned into instants day by day in the
 * calendar's time zone with luxon, so a DST change shortens or lengthens that day's opening
 * correctly. A start outside opening hours counts from the next opening.
 */
import { DateTime } from 'luxon';
import type { CalendarConfig } from '../config/config-schema.js';

const weekdayKeys = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const MAX_DAYS = 3 * 366;

/** The opening intervals of one local day, as instants (empty on closed days and holidays). */
export function openingIntervals(day: DateTime, calendar: CalendarConfig): [number, number][] {
  if (calendar.holidays.includes(day.toISODate() ?? '')) return [];
  const hours = calendar.hours[weekdayKeys[day.weekday - 1] ?? 'sun'] ?? [];
  return hours.map(([open, close]) => [atLocalTime(day, open), atLocalTime(day, close)]);
}

function atLocalTime(day: DateTime, time: string): number {
  const [hour = 0, minute = 0] = time.split(':').map(Number);
  if (hour === 24) return day.plus({ days: 1 }).startOf('day').toMillis();
  return day.set({ hour, minute, second: 0, millisecond: 0 }).toMillis();
}

/** The instant `hours` opening hours after `start`. */
export function addBusinessHours(start: Date, hours: number, calendar: CalendarConfig): Date {
  let remaining = hours * 3_600_000;
  let day = DateTime.fromJSDate(start, { zone: calendar.timeZone }).startOf('day');
  for (let index = 0; index < MAX_DAYS; index++, day = day.plus({ days: 1 })) {
    for (const [open, close] of openingIntervals(day, calendar)) {
      const from = Math.max(open, start.getTime());
      if (from >= close) continue;
      if (remaining <= close - from) return new Date(from + remaining);
      remaining -= close - from;
    }
  }
  throw new RangeError(`calendar ${calendar.timeZone} has no opening hours within ${MAX_DAYS} days`);
}

/** Opening hours between two instants (0 when `end` is before `start`). */
export function businessHoursBetween(start: Date, end: Date, calendar: CalendarConfig): number {
  let total = 0;
  let day = DateTime.fromJSDate(start, { zone: calendar.timeZone }).startOf('day');
  while (day.toMillis() < end.getTime()) {
    for (const [open, close] of openingIntervals(day, calendar)) {
      const from = Math.max(open, start.getTime());
      const to = Math.min(close, end.getTime());
      if (to > from) total += to - from;
    }
    day = day.plus({ days: 1 });
  }
  return total / 3_600_000;
}
