/**
 * Business-hour arithmetic on the reference calendars: week-ends, holidays, arrival outside
 * hours, targets spanning weeks, lunch breaks, and the two DST changes in Europe/Paris and a
 * zone far from UTC. Expected instants are written in local time with their offset.
 */
import { describe, expect, it } from 'vitest';
import type { CalendarConfig } from '../../../src/config/config-schema.js';
import { addBusinessHours, businessHoursBetween } from '../../../src/tickets/business-hours.js';

const weekdays = (hours: [string, string][]) => ({ mon: hours, tue: hours, wed: hours, thu: hours, fri: hours });
const paris: CalendarConfig = { timeZone: 'Europe/Paris', hours: weekdays([['09:00', '18:00']]), holidays: ['2026-12-25', '2027-01-01'] };
const lunch: CalendarConfig = { timeZone: 'Europe/Paris', hours: weekdays([['09:00', '12:30'], ['14:00', '18:00']]), holidays: [] };
const moscow: CalendarConfig = { timeZone: 'Europe/Moscow', hours: weekdays([['10:00', '19:00']]), holidays: [] };
const allDay: CalendarConfig = { timeZone: 'Europe/Paris', hours: { ...weekdays([['00:00', '24:00']]), sat: [['00:00', '24:00']], sun: [['00:00', '24:00']] }, holidays: [] };

const iso = (date: Date) => date.toISOString();
const at = (text: string) => new Date(text);

describe('addBusinessHours', () => {
  it.each([
    ['within the same day', '2026-11-24T10:00:00+01:00', 4, '2026-11-24T14:00:00+01:00'],
    ['to the exact closing time', '2026-11-24T09:00:00+01:00', 9, '2026-11-24T18:00:00+01:00'],
    ['over the night', '2026-11-24T17:00:00+01:00', 2, '2026-11-25T10:00:00+01:00'],
    ['arrival before opening', '2026-11-24T07:30:00+01:00', 1, '2026-11-24T10:00:00+01:00'],
    ['arrival after closing', '2026-11-24T21:00:00+01:00', 1, '2026-11-25T10:00:00+01:00'],
    ['arrival on Saturday', '2026-11-28T11:00:00+01:00', 3, '2026-11-30T12:00:00+01:00'],
    ['Friday evening over the week-end', '2026-11-27T17:00:00+01:00', 2, '2026-11-30T10:00:00+01:00'],
    ['24 business hours = 2 days and 6 hours', '2026-11-23T09:00:00+01:00', 24, '2026-11-25T15:00:00+01:00'],
    ['72 business hours span two weeks', '2026-11-26T15:00:00+01:00', 72, '2026-12-08T15:00:00+01:00'],
    ['Christmas and New Year are closed', '2026-12-24T17:00:00+01:00', 10, '2026-12-28T18:00:00+01:00'],
    ['New Year', '2026-12-31T17:30:00+01:00', 1, '2027-01-04T09:30:00+01:00'],
  ])('%s', (_name, start, hours, expected) => {
    expect(iso(addBusinessHours(at(start), hours, paris))).toBe(iso(at(expected)));
  });

  it('skips the lunch break', () => {
    expect(iso(addBusinessHours(at('2026-11-24T12:00:00+01:00'), 1, lunch))).toBe(iso(at('2026-11-24T14:30:00+01:00')));
    expect(iso(addBusinessHours(at('2026-11-24T13:00:00+01:00'), 0.5, lunch))).toBe(iso(at('2026-11-24T14:30:00+01:00')));
  });

  it('keeps local opening hours across the spring DST change (Paris, 29 March 2026)', () => {
    // Friday 17:00 CET + 2 h → Monday 10:00 CEST: the offset changed over the week-end.
    expect(iso(addBusinessHours(at('2026-03-27T17:00:00+01:00'), 2, paris))).toBe(iso(at('2026-03-30T10:00:00+02:00')));
    // A 24/7 calendar loses the missing hour on the night of the change: 24 h of clock time.
    expect(iso(addBusinessHours(at('2026-03-28T12:00:00+01:00'), 24, allDay))).toBe(iso(at('2026-03-29T13:00:00+02:00')));
  });

  it('keeps local opening hours across the autumn DST change (Paris, 25 October 2026)', () => {
    expect(iso(addBusinessHours(at('2026-10-23T17:00:00+02:00'), 2, paris))).toBe(iso(at('2026-10-26T10:00:00+01:00')));
    expect(iso(addBusinessHours(at('2026-10-24T12:00:00+02:00'), 24, allDay))).toBe(iso(at('2026-10-25T11:00:00+01:00')));
  });

  it('counts in the calendar’s own time zone', () => {
    expect(iso(addBusinessHours(at('2026-11-24T08:00:00Z'), 1, moscow))).toBe(iso(at('2026-11-24T12:00:00+03:00'))); // 11:00 local, open
    expect(iso(addBusinessHours(at('2026-11-24T06:00:00Z'), 1, moscow))).toBe(iso(at('2026-11-24T11:00:00+03:00'))); // 09:00 local, opens at 10:00
  });

  it('refuses a calendar that never opens', () => {
    expect(() => addBusinessHours(at('2026-11-24T08:00:00Z'), 1, { timeZone: 'UTC', hours: {}, holidays: [] })).toThrow(RangeError);
  });
});

describe('businessHoursBetween', () => {
  it('counts only opening hours, and is the inverse of addBusinessHours', () => {
    expect(businessHoursBetween(at('2026-11-27T17:00:00+01:00'), at('2026-11-30T10:00:00+01:00'), paris)).toBe(2);
    expect(businessHoursBetween(at('2026-11-24T12:00:00+01:00'), at('2026-11-24T15:00:00+01:00'), lunch)).toBe(1.5);
    const start = at('2026-12-18T11:15:00+01:00');
    expect(businessHoursBetween(start, addBusinessHours(start, 37.5, paris), paris)).toBeCloseTo(37.5, 6);
    expect(businessHoursBetween(at('2026-11-30T10:00:00+01:00'), at('2026-11-27T17:00:00+01:00'), paris)).toBe(0);
  });
});
