import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../../src/config/load-config.js';

const dir = join(import.meta.dirname, '..', '..', '..', 'config.examples');

describe('config.examples', () => {
  it.each(readdirSync(dir).filter((name) => name.endsWith('.json')))('%s is a valid configuration', (name) => {
    const config = loadConfigFile(join(dir, name));
    expect(Object.keys(config.plans).length).toBeGreaterThan(0);
  });

  it('names the missing reference when a plan uses an unknown calendar', async () => {
    const { parseConfig } = await import('../../../src/config/load-config.js');
    expect(() => parseConfig({ plans: { p: { calendar: 'nope', firstResponse: { hours: 1 } } } })).toThrow(/plans\.p\.calendar: no calendar "nope"/);
    expect(() => parseConfig({ defaultPlan: 'gold' })).toThrow(/defaultPlan: no plan "gold"/);
    expect(() => parseConfig({ calendars: { x: { timeZone: 'Mars/Olympus', hours: {} } } })).toThrow(/calendars\.x\.timeZone: must be an IANA time zone/);
    expect(() => parseConfig({ calendars: { x: { timeZone: 'UTC', hours: { mon: [['18:00', '09:00']] } } } })).toThrow(/opening must be before closing/);
  });
});
