import { describe, expect, it } from 'vitest';
// White-box: a pure function of the notifications module.
import { isQuiet } from '../../server/src/notifications/quiet-hours.js';

const at = (iso: string) => new Date(iso);

describe('isQuiet', () => {
  it('covers hours that run past midnight, in the user’s time zone', () => {
    const night = { start: '22:00', end: '07:00', timeZone: 'Europe/Brussels' }; // UTC+1 in November
    expect(isQuiet(night, at('2026-11-23T21:30:00Z'))).toBe(true); // 22:30 there
    expect(isQuiet(night, at('2026-11-24T05:59:00Z'))).toBe(true); // 06:59 there
    expect(isQuiet(night, at('2026-11-24T06:00:00Z'))).toBe(false); // 07:00 there
    expect(isQuiet(night, at('2026-11-23T20:59:00Z'))).toBe(false); // 21:59 there
  });

  it('covers hours within a day, and nothing when unset', () => {
    const lunch = { start: '12:00', end: '13:00', timeZone: 'UTC' };
    expect(isQuiet(lunch, at('2026-11-23T12:30:00Z'))).toBe(true);
    expect(isQuiet(lunch, at('2026-11-23T13:00:00Z'))).toBe(false);
    expect(isQuiet(undefined, at('2026-11-23T12:30:00Z'))).toBe(false);
  });
});
